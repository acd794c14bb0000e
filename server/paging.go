package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// paging reads page and per_page (at most 200) from the query string.
func paging(c *gin.Context) (limit, offset, page int) {
	page, _ = strconv.Atoi(c.DefaultQuery("page", "1"))
	limit, _ = strconv.Atoi(c.DefaultQuery("per_page", "50"))
	page = max(page, 1)
	limit = min(max(limit, 1), 200)
	return limit, (page - 1) * limit, page
}

// pageOf writes a page of items with its total.
func pageOf[T any](c *gin.Context, items []T, total, page, perPage int) {
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": page, "per_page": perPage})
}
