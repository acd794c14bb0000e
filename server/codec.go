package server

import (
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lsip/scrutiny/payloadcrypt"
	"github.com/lsip/scrutiny/store"
)

// maxCodecBytes bounds a codec request: the Web UI sends a page of a
// history's payloads at a time, each at most Temporal's 2 MB.
const maxCodecBytes = 8 << 20

// codecServer answers the Temporal codec server protocol (POST
// /codec/encode and /codec/decode, {"payloads": [...]} in and out) so that
// an operator can read sealed payloads in the Temporal Web UI or with
// `temporal workflow show --codec-endpoint`. Decoding shows review text,
// so only admins may call it, and every decode is audited.
type codecServer struct {
	s     *Server
	codec *payloadcrypt.Codec
	// err says why there is no codec: PAYLOAD_KEYS is unset or malformed.
	err error
	// origins may call the endpoint with a signed-in admin's session
	// cookie: the configured Web UI and scrutiny itself. Only the Web UI
	// is given CORS headers.
	uiOrigin string
	origins  map[string]bool
}

// codecRoutes registers the codec endpoint. The caller is an admin, by
// API token (the CLI's --codec-auth "Bearer ...") or by session cookie
// (the Web UI's "include cross-origin credentials").
func (s *Server) codecRoutes() {
	cs := &codecServer{s: s, uiOrigin: s.deps.Config.TemporalUIOrigin, origins: map[string]bool{}}
	cs.codec, cs.err = payloadcrypt.FromConfig(s.deps.Config.PayloadKeys)
	for _, o := range []string{cs.uiOrigin, originOf(s.deps.Config.PublicURL)} {
		if o != "" {
			cs.origins[o] = true
		}
	}
	g := s.engine.Group("/codec", cs.cors, cs.authenticate, requireRole(adminOnly))
	for _, op := range []string{"/encode", "/decode"} {
		g.OPTIONS(op, func(c *gin.Context) { c.Status(http.StatusNoContent) })
	}
	g.POST("/encode", cs.encode)
	g.POST("/decode", cs.decode)
}

// originOf is the scheme and host of an address, or "" if it has none.
func originOf(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// cors lets the configured Web UI, and no other site, call the endpoint
// from the browser with credentials, and answers its preflight requests,
// which carry no credentials. Requests from any other origin's pages are
// refused outright.
func (cs *codecServer) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" {
		c.Next()
		return
	}
	c.Header("Vary", "Origin")
	if !cs.origins[origin] {
		writeProblem(c, Problem{Status: http.StatusForbidden, Title: "Not allowed",
			Detail: "This site may not call the codec endpoint. Set TEMPORAL_UI_ORIGIN to the Temporal Web UI's origin."})
		return
	}
	if origin == cs.uiOrigin {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
			h.Set("Access-Control-Max-Age", "600")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
	}
	c.Next()
}

// authenticate takes an API token when one is sent, else the session
// cookie, as the pages do; a visitor with neither is sent to sign in. A
// session's ambient cookie is accepted only with a JSON body (which no
// other site's form can send, and the cors check stops other sites'
// scripts sending), and only once its second factor is set up.
func (cs *codecServer) authenticate(c *gin.Context) {
	if c.GetHeader("Authorization") != "" {
		cs.s.requireStaff(c)
		return
	}
	cookie, err := c.Cookie(sessionCookie)
	var ses store.Session
	if err == nil {
		ses, err = cs.s.deps.Store.SessionByCookie(c.Request.Context(), cookie)
	}
	switch {
	case errors.Is(err, http.ErrNoCookie) || errors.Is(err, store.ErrBadToken):
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	case err != nil:
		internalError(c, err)
		return
	case ses.MustEnrol:
		writeProblem(c, Problem{Status: http.StatusForbidden, Title: "Set up two-step sign-in first", Detail: "Sign in to scrutiny and set up two-step sign-in at " + twoFactorPath + "."})
		return
	}
	if c.Request.Method == http.MethodPost {
		if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
			writeProblem(c, Problem{Status: http.StatusUnsupportedMediaType, Title: "Send JSON", Detail: `The body must be {"payloads": [...]} with Content-Type: application/json.`})
			return
		}
	}
	c.Set(userKey, ses.User)
	c.Next()
}

// payloads reads the request's {"payloads": [...]}, writing the problem
// itself when it cannot, and checks that the codec is configured.
func (cs *codecServer) payloads(c *gin.Context) ([]*commonpb.Payload, bool) {
	if cs.err != nil {
		slog.Error("codec endpoint", "error", cs.err)
		writeProblem(c, Problem{Status: http.StatusServiceUnavailable, Title: "The codec is not configured", Detail: "Set PAYLOAD_KEYS on the server."})
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxCodecBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeProblem(c, Problem{Status: http.StatusRequestEntityTooLarge, Title: "Too large", Detail: "Send at most 8 MB of payloads at a time."})
		return nil, false
	}
	var in commonpb.Payloads
	if err == nil {
		err = protojson.Unmarshal(body, &in)
	}
	if err != nil {
		badRequest(c, `The body must be {"payloads": [{"metadata": {...}, "data": "<base64>"}, ...]}.`,
			FieldError{Field: "payloads", Message: "must be a list of Temporal payloads"})
		return nil, false
	}
	return in.GetPayloads(), true
}

// encode seals payloads under the current key, as a client would.
func (cs *codecServer) encode(c *gin.Context) {
	in, ok := cs.payloads(c)
	if !ok {
		return
	}
	out, err := cs.codec.Encode(in)
	if err != nil {
		internalError(c, err)
		return
	}
	writePayloads(c, out)
}

// decode opens sealed payloads for an admin, after recording who asked
// and for how many: what it returns is review text.
func (cs *codecServer) decode(c *gin.Context) {
	in, ok := cs.payloads(c)
	if !ok {
		return
	}
	out, err := cs.codec.Decode(in)
	if err != nil {
		writeProblem(c, Problem{Status: http.StatusUnprocessableEntity, Title: "A payload cannot be opened", Detail: err.Error(),
			Errors: []FieldError{{Field: "payloads", Message: err.Error()}}})
		return
	}
	sealed := 0
	for _, p := range in {
		if string(p.GetMetadata()["encoding"]) == payloadcrypt.MetadataEncoding {
			sealed++
		}
	}
	namespace := strings.TrimSpace(c.GetHeader("X-Namespace"))
	if err := cs.s.deps.Store.Audit(c.Request.Context(), currentUser(c).Email, "payloads_decoded", "temporal_namespace", namespace,
		map[string]any{"payloads": len(in), "sealed": sealed}); err != nil {
		internalError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	writePayloads(c, out)
}

func writePayloads(c *gin.Context, p []*commonpb.Payload) {
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: p})
	if err != nil {
		internalError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", body)
}
