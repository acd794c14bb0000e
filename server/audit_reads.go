package server

import (
	"maps"
	"slices"

	"github.com/gin-gonic/gin"
)

// recordRead puts a staff read of sensitive information in the audit log:
// who looked, at what, and which filters they used (their names only: a
// search's text could itself be case detail). A read that cannot be
// recorded is not served, so every served read is on the record.
func (s *Server) recordRead(c *gin.Context, action, subjectType, subjectID string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	if q := c.Request.URL.Query(); len(q) > 0 {
		detail["filters"] = slices.Sorted(maps.Keys(q))
	}
	return s.deps.Store.Audit(c.Request.Context(), currentUser(c).Email, action, subjectType, subjectID, detail)
}
