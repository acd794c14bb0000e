package mailcatcher

import (
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"time"
	_ "time/tzdata" // UK local time without the system's zone database
)

//go:embed templates/*.html
var templateFiles embed.FS

var london, _ = time.LoadLocation("Europe/London")

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"uktime": func(t time.Time) string { return t.In(london).Format("2 Jan 2006 15:04 MST") },
}).ParseFS(templateFiles, "templates/*.html"))

// Handler serves the web page that lists and shows caught mail, and a JSON
// list for scripts. Clearing is a POST; nothing changes on a GET.
func (c *Catcher) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		msgs := c.Messages()
		slices.Reverse(msgs)
		render(w, "list.html", msgs)
	})
	mux.HandleFunc("GET /messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		m, ok := c.Message(r.PathValue("id"))
		if !ok {
			http.Error(w, "No such message.", http.StatusNotFound)
			return
		}
		render(w, "message.html", m)
	})
	mux.HandleFunc("GET /messages/{id}/html", func(w http.ResponseWriter, r *http.Request) {
		m, ok := c.Message(r.PathValue("id"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		// The email's own HTML runs in a sandbox: no scripts, no forms.
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(m.HTML))
	})
	mux.HandleFunc("GET /messages/{id}/raw", func(w http.ResponseWriter, r *http.Request) {
		m, ok := c.Message(r.PathValue("id"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "message/rfc822")
		w.Header().Set("Content-Disposition", `attachment; filename="`+m.ID+`.eml"`)
		w.Write(m.Raw)
	})
	mux.HandleFunc("GET /messages/{id}/attachments/{n}", func(w http.ResponseWriter, r *http.Request) {
		m, ok := c.Message(r.PathValue("id"))
		var n int
		if ok {
			if err := json.Unmarshal([]byte(r.PathValue("n")), &n); err != nil || n < 0 || n >= len(m.Attachments) {
				ok = false
			}
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		a := m.Attachments[n]
		w.Header().Set("Content-Type", a.ContentType)
		w.Header().Set("Content-Disposition", mimeAttachment(a.Filename))
		w.Write(a.Data)
	})
	mux.HandleFunc("POST /clear", func(w http.ResponseWriter, r *http.Request) {
		if err := c.Clear(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
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
		out := []summary{}
		for _, m := range c.Messages() {
			s := summary{ID: m.ID, ReceivedAt: m.ReceivedAt, From: m.EnvelopeFrom, To: m.EnvelopeTo, Subject: m.Subject, Attachments: []string{}}
			for _, a := range m.Attachments {
				s.Attachments = append(s.Attachments, a.Filename)
			}
			out = append(out, s)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	return mux
}

func render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, "The page could not be shown: "+err.Error(), http.StatusInternalServerError)
	}
}

func mimeAttachment(filename string) string {
	return `attachment; filename*=UTF-8''` + template.URLQueryEscaper(filename)
}
