package mailcatcher

import (
	"embed"
	"encoding/json"
	"html/template"
	"mime"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // UK local time even where the system has no zone database

	"github.com/lsip/scrutiny/uktime"
)

//go:embed templates/*.html
var templateFiles embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"uktime":    func(t time.Time) string { return t.In(uktime.London).Format("2 Jan 2006 15:04 MST") },
	"addresses": addresses,
}).ParseFS(templateFiles, "templates/*.html"))

// addresses shows an address header for reading: names decoded and
// unquoted, as in "Bea Member <bea@example.org>, cal@example.org". A header
// that does not parse is shown with only its encoded words decoded.
func addresses(header string) string {
	if header == "" {
		return ""
	}
	parser := mail.AddressParser{WordDecoder: &wordDecoder}
	list, err := parser.ParseList(header)
	if err != nil {
		return decodeWords(header)
	}
	shown := make([]string, len(list))
	for i, a := range list {
		shown[i] = a.Address
		if a.Name != "" {
			shown[i] = a.Name + " <" + a.Address + ">"
		}
	}
	return strings.Join(shown, ", ")
}

// Handler serves a web page listing caught mail, newest first; a page per
// message with its headers, bodies, attachments and MIME parts; the raw
// .eml; and /api/messages, a JSON list for scripts. Only POST /clear
// changes anything, and it is refused when it comes from another site.
func (c *Catcher) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		messages := c.Messages()
		slices.Reverse(messages)
		render(w, "list.html", messages)
	})
	mux.HandleFunc("GET /messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		if m, ok := c.Message(r.PathValue("id")); ok {
			render(w, "message.html", m)
		} else {
			http.Error(w, "There is no such message. It may have been deleted.", http.StatusNotFound)
		}
	})
	mux.HandleFunc("GET /messages/{id}/html", func(w http.ResponseWriter, r *http.Request) {
		m, ok := c.Message(r.PathValue("id"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		// The email's own HTML is shown as it is, so it runs in a sandbox:
		// no scripts, no forms, nothing fetched from elsewhere.
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(m.HTML))
	})
	mux.HandleFunc("GET /messages/{id}/raw", func(w http.ResponseWriter, r *http.Request) {
		if m, ok := c.Message(r.PathValue("id")); ok {
			download(w, m.ID+".eml", "message/rfc822", m.Raw)
		} else {
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("GET /messages/{id}/attachments/{n}", func(w http.ResponseWriter, r *http.Request) {
		m, ok := c.Message(r.PathValue("id"))
		n, err := strconv.Atoi(r.PathValue("n"))
		if !ok || err != nil || n < 0 || n >= len(m.Attachments) {
			http.NotFound(w, r)
			return
		}
		a := m.Attachments[n]
		download(w, a.Filename, a.ContentType, a.Data)
	})
	mux.HandleFunc("GET /messages/{id}/parts/{n}", func(w http.ResponseWriter, r *http.Request) {
		m, ok := c.Message(r.PathValue("id"))
		n, err := strconv.Atoi(r.PathValue("n"))
		if !ok || err != nil || n < 0 || n >= len(m.Parts) {
			http.NotFound(w, r)
			return
		}
		p := m.Parts[n]
		download(w, p.Filename, mime.FormatMediaType(p.ContentType, p.Params), p.Body)
	})
	mux.HandleFunc("POST /clear", func(w http.ResponseWriter, r *http.Request) {
		if err := c.Clear(); err != nil {
			http.Error(w, "The mail could not all be deleted: "+err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /api/messages", func(w http.ResponseWriter, r *http.Request) {
		type summary struct {
			ID          string    `json:"id"`
			ReceivedAt  time.Time `json:"received_at"`
			From        string    `json:"from"`
			To          []string  `json:"to"`
			Subject     string    `json:"subject"`
			Attachments []string  `json:"attachments"`
		}
		list := []summary{}
		for _, m := range c.Messages() {
			s := summary{ID: m.ID, ReceivedAt: m.ReceivedAt, From: m.EnvelopeFrom, To: m.EnvelopeTo, Subject: m.Subject, Attachments: []string{}}
			for _, a := range m.Attachments {
				s.Attachments = append(s.Attachments, a.Filename)
			}
			list = append(list, s)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(list)
	})
	return http.NewCrossOriginProtection().Handler(mux)
}

func render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, "The page could not be shown: "+err.Error(), http.StatusInternalServerError)
	}
}

// download sends data as a file to save, never to show: it came from an
// email, so the browser must not run it as part of this site.
func download(w http.ResponseWriter, filename, contentType string, data []byte) {
	disposition := "attachment"
	if filename != "" {
		disposition = mime.FormatMediaType("attachment", map[string]string{"filename": filename})
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", disposition)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Write(data)
}
