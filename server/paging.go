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

// listPage is a page of a list with the number of items in all.
type listPage[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// pageOf writes a page of items with its total.
func pageOf[T any](c *gin.Context, items []T, total, page, perPage int) {
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, listPage[T]{Items: items, Total: total, Page: page, PerPage: perPage})
}
