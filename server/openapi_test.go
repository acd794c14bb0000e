package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestOpenAPIMatchesRoutes: every route is described, every described path
// is routed, and every example is accepted by the body type the handler
// decodes (unknown fields refused, as the server does) and by its schema.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := New(Deps{})
	doc := s.OpenAPI()
	paths := doc["paths"].(map[string]any)
	described := map[string]bool{}
	for p, item := range paths {
		for method := range item.(map[string]any) {
			described[strings.ToUpper(method)+" /api/v1"+ginPath(p)] = true
		}
	}
	routed := map[string]bool{}
	for _, r := range s.engine.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1") {
			routed[r.Method+" "+r.Path] = true
		}
	}
	for k := range routed {
		if !described[k] {
			t.Errorf("%s is routed but not in the OpenAPI document", k)
		}
	}
	for k := range described {
		if !routed[k] {
			t.Errorf("%s is in the OpenAPI document but not routed", k)
		}
	}
	examples := 0
	for _, r := range s.apiRoutes() {
		if r.Request == nil {
			continue
		}
		if r.Example == "" {
			t.Errorf("%s %s takes a body but has no example", r.Method, r.Path)
			continue
		}
		examples++
		dec := json.NewDecoder(strings.NewReader(r.Example))
		dec.DisallowUnknownFields()
		if err := dec.Decode(reflect.New(reflect.TypeOf(r.Request)).Interface()); err != nil {
			t.Errorf("%s %s: example does not decode into its body type: %v", r.Method, r.Path, err)
		}
		var ex any
		json.Unmarshal([]byte(r.Example), &ex)
		if err := validate(schemaOf(reflect.TypeOf(r.Request)), ex, "body"); err != nil {
			t.Errorf("%s %s: example does not match its schema: %v", r.Method, r.Path, err)
		}
	}
	if examples < 10 {
		t.Errorf("only %d examples checked", examples)
	}

	for _, r := range s.apiRoutes() {
		checkOperation(t, r, paths[r.Path].(map[string]any)[strings.ToLower(r.Method)].(map[string]any))
		for _, v := range []any{r.Request, r.Docs.Response, r.Docs.Refused} {
			if v != nil {
				if at := nanoseconds(reflect.TypeOf(v), map[reflect.Type]bool{}); at != "" {
					t.Errorf("%s %s: %s is a time.Duration, which JSON writes in nanoseconds; use Duration", r.Method, r.Path, at)
				}
			}
		}
	}

	// The document is served.
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	var served map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &served) != nil || served["openapi"] != "3.0.3" {
		t.Errorf("GET /api/v1/openapi.json: %d", rec.Code)
	}
	// An unknown address is a problem+json 404.
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/nothing-here", nil))
	if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown route: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// validate checks v against the subset of JSON Schema schemaOf produces.
func validate(schema map[string]any, v any, at string) error {
	switch schema["type"] {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object", at)
		}
		props, _ := schema["properties"].(map[string]any)
		for k, val := range obj {
			var sub map[string]any
			if props != nil {
				if p, ok := props[k]; ok {
					sub = p.(map[string]any)
				} else if schema["additionalProperties"] == false {
					return fmt.Errorf("%s.%s: not allowed", at, k)
				}
			} else if ap, ok := schema["additionalProperties"].(map[string]any); ok {
				sub = ap
			}
			if sub != nil {
				if err := validate(sub, val, at+"."+k); err != nil {
					return err
				}
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array", at)
		}
		for i, x := range arr {
			if err := validate(schema["items"].(map[string]any), x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "string":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: want a string", at)
		}
	case "integer", "number":
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("%s: want a number", at)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want true or false", at)
		}
	}
	return nil
}

// checkOperation: the operation declares its credential, a success answer
// with its schema or media type, and the problems its kind of route gives.
func checkOperation(t *testing.T, r route, op map[string]any) {
	t.Helper()
	name := r.Method + " " + r.Path
	if _, ok := op["security"]; !ok {
		t.Errorf("%s declares no security", name)
	}
	if op["operationId"] == "" || len(op["tags"].([]any)) == 0 {
		t.Errorf("%s has no operationId or tag", name)
	}
	responses := op["responses"].(map[string]any)
	var success map[string]any
	for code, resp := range responses {
		if code[0] == '2' {
			success = resp.(map[string]any)
		}
	}
	if success == nil || success["content"] == nil {
		t.Errorf("%s declares no success response with content", name)
	}
	want := []string{"500"}
	if r.Auth != authPublic {
		want = append(want, "401", "403")
	}
	if strings.Contains(r.Path, "{") {
		want = append(want, "404")
	}
	if r.Request != nil || len(r.Docs.Query) > 0 {
		want = append(want, "400")
	}
	for _, code := range want {
		if responses[code] == nil {
			t.Errorf("%s does not declare its %s problem", name, code)
		}
	}
}

// nanoseconds finds a time.Duration within t, naming the field.
func nanoseconds(t reflect.Type, seen map[reflect.Type]bool) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "a field"
	}
	if seen[t] {
		return ""
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return nanoseconds(t.Elem(), seen)
	case reflect.Struct:
		for name, ft := range jsonFields(t) {
			if at := nanoseconds(ft, seen); at != "" {
				return t.Name() + "." + name
			}
		}
	}
	return ""
}
