package server

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// OpenAPI builds the OpenAPI 3 document from the route table, so the
// description cannot drift from what is routed.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	used := map[string]bool{}
	for _, r := range s.apiRoutes() {
		item, _ := paths[r.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.Path] = item
		}
		item[strings.ToLower(r.Method)] = operationOf(r)
		used[tagOf(r)] = true
	}
	var tagList []any
	for _, name := range slices.Sorted(maps.Keys(used)) {
		tagList = append(tagList, map[string]any{"name": name, "description": tagDescriptions[name]})
	}
	problems := map[string]any{}
	for status, title := range problemTitles {
		problems[strconv.Itoa(status)] = map[string]any{"description": title,
			"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "scrutiny", "version": "1",
			"description": "Case-review cycles of Local Scrutiny and Involvement Panels.\n\n" +
				"Staff call the API with a token from their account page, sent as `Authorization: Bearer <token>`; each operation names the roles it allows, and " +
				"what a role reaches is limited to the user's panels or Area. A panel member's operations (under `/m/{token}`) need no header: " +
				"the personal link token in the path is the credential, signed, expiring and revocable.\n\n" +
				"Durations are strings in plain units (\"14d\", \"36h\", \"30m\", \"90s\") or ISO 8601 (\"P14D\", \"PT36H\"). " +
				"Every problem is `application/problem+json` (RFC 9457), naming each field to correct in `errors`.",
			"license": map[string]any{"name": "Proprietary: for the Crown Prosecution Service and its panels", "url": "https://scrutiny.example/licence"},
			"contact": map[string]any{"name": "The scrutiny system administrator", "url": "https://scrutiny.example/contact"}},
		"servers": []any{map[string]any{"url": "/api/v1", "description": "This server"}},
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "A staff API token, created and revoked on the account page. It is shown once and stored hashed."}},
			"schemas":   map[string]any{"Problem": schemaOf(reflect.TypeOf(Problem{}))},
			"responses": problems,
		},
	}
}

// operationOf describes one route: its credential, parameters, body,
// success answer and every problem it can give.
func operationOf(r route) map[string]any {
	op := map[string]any{"summary": r.Summary, "operationId": operationID(r), "tags": []any{tagOf(r)}}
	statuses := []int{http.StatusInternalServerError}
	switch r.Auth {
	case authStaff:
		op["security"] = []any{map[string]any{"bearer": []any{}}}
		op["description"] = "Roles: " + roleNames(r.Roles) + "."
		statuses = append(statuses, http.StatusUnauthorized, http.StatusForbidden)
	case authMember:
		op["security"] = []any{}
		op["description"] = "Through a member's personal link: the token in the path is the credential. " +
			"401 when it has expired or is not valid; 403 when access has ended or the link was replaced."
		statuses = append(statuses, http.StatusUnauthorized, http.StatusForbidden)
	default:
		op["security"] = []any{}
		op["description"] = "Public."
	}
	var params []any
	for _, part := range strings.Split(r.Path, "/") {
		if strings.HasPrefix(part, "{") {
			params = append(params, pathParamDoc(strings.Trim(part, "{}")))
		}
	}
	if len(params) > 0 {
		statuses = append(statuses, http.StatusNotFound)
	}
	for _, q := range r.Docs.Query {
		params = append(params, queryParamDoc(q))
	}
	if len(r.Docs.Query) > 0 {
		statuses = append(statuses, http.StatusBadRequest)
	}
	if params != nil {
		op["parameters"] = params
	}
	if r.Request != nil {
		content := map[string]any{"schema": schemaOf(reflect.TypeOf(r.Request))}
		var ex any
		if err := json.Unmarshal([]byte(r.Example), &ex); err == nil {
			content["example"] = ex
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": content}}
		statuses = append(statuses, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
	}
	responses := map[string]any{}
	success := map[string]any{"description": "Success"}
	switch {
	case r.Docs.File != "":
		success["content"] = map[string]any{r.Docs.File: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
	case r.Docs.Response != nil:
		success["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.Docs.Response))}}
	}
	responses[strconv.Itoa(cmp.Or(r.Docs.Status, http.StatusOK))] = success
	for _, st := range append(statuses, r.Docs.Problems...) {
		responses[strconv.Itoa(st)] = map[string]any{"$ref": "#/components/responses/" + strconv.Itoa(st)}
	}
	if r.Docs.Refused != nil {
		responses[strconv.Itoa(http.StatusUnprocessableEntity)] = map[string]any{"description": "Nothing was done: every problem is listed, to correct and send again",
			"content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.Docs.Refused))}}}
	}
	op["responses"] = responses
	return op
}

func (s *Server) openAPI(c *gin.Context) { c.JSON(http.StatusOK, s.OpenAPI()) }

var timeType = reflect.TypeOf(time.Time{})

// schemaOf describes a Go type as a JSON schema, following its json tags.
func schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		return durationSchema()
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
	for name, ft := range jsonFields(t) {
		props[name] = schemaOf(ft)
	}
}

// jsonFields are the fields encoding/json reads and writes for a struct,
// by name, with their types. The fields of an embedded struct are
// promoted (even of an unexported type) unless a field of the outer
// struct has the same name, which hides them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if slices.Contains(strings.Split(opts, ","), "string") && ft.Kind() != reflect.String {
			// The "string" option writes a number or boolean as a JSON string.
			ft = reflect.TypeOf("")
		}
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			embedded = append(embedded, f.Type)
		case !f.IsExported():
		case name == "":
			out[f.Name] = ft
		default:
			out[name] = ft
		}
	}
	for _, e := range embedded {
		for name, ft := range jsonFields(e) {
			if _, hidden := out[name]; !hidden {
				out[name] = ft
			}
		}
	}
	return out
}
