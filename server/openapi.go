package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
)

// OpenAPI builds the OpenAPI 3 document from the route table, so the
// description cannot drift from what is routed.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, r := range s.apiRoutes() {
		op := map[string]any{
			"summary":     r.Summary,
			"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_", ".", "_").Replace(r.Path),
			"responses": map[string]any{
				"200":     map[string]any{"description": "Success"},
				"default": map[string]any{"description": "A problem (RFC 9457)", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		switch r.Auth {
		case authStaff:
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			roles := []string{string(domain.StaffAdmin)}
			for _, role := range r.Roles {
				roles = append(roles, string(role))
			}
			op["description"] = "Roles: " + strings.Join(roles, ", ")
		case authMember:
			op["description"] = "Through a member's personal link"
		}
		var params []any
		for _, part := range strings.Split(r.Path, "/") {
			if strings.HasPrefix(part, "{") {
				params = append(params, map[string]any{"name": strings.Trim(part, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.Request != nil {
			content := map[string]any{"schema": schemaOf(reflect.TypeOf(r.Request))}
			if r.Example != "" {
				var ex any
				if err := json.Unmarshal([]byte(r.Example), &ex); err == nil {
					content["example"] = ex
				}
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": content}}
		}
		item, _ := paths[r.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.Path] = item
		}
		item[strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "scrutiny", "version": "1", "description": "Case-review cycles of Local Scrutiny and Involvement Panels."},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         map[string]any{"Problem": schemaOf(reflect.TypeOf(Problem{}))},
		},
	}
}

func (s *Server) openAPI(c *gin.Context) { c.JSON(http.StatusOK, s.OpenAPI()) }

var timeType = reflect.TypeOf(time.Time{})

// schemaOf describes a Go type as a JSON schema, following its json tags.
func schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case t.Kind() == reflect.Struct:
		props := map[string]any{}
		addFields(t, props)
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			addFields(f.Type, props)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type)
	}
}
