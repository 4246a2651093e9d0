package http

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"porter"
)

type schemaBase struct {
	CreatedAt time.Time `json:"created_at"`
}

type schemaNode struct {
	schemaBase
	ID       int64             `json:"id"`
	Name     string            `json:"name,omitempty"`
	Start    string            `json:"start_date"`
	End      *string           `json:"end_date"`
	Rent     porter.Money      `json:"rent"`
	Fired    porter.Time       `json:"fired_at"`
	Parent   *schemaNode       `json:"parent"`
	Children []schemaNode      `json:"children"`
	Labels   map[string]string `json:"labels"`
	Extra    map[string]any    `json:"extra"`
	Blob     []byte            `json:"blob"`
	Count    int               `json:"count,string"`
	Secret   string            `json:"-"`
	Any      any               `json:"any"`
	Age      flexInt           `json:"age"`
	hidden   int
}

func schemaJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSchemaGenerator(t *testing.T) {
	g := newSchemas()
	top := g.of(reflect.TypeFor[schemaNode](), asResponse)
	if top["$ref"] != "#/components/schemas/SchemaNode" {
		t.Fatalf("top = %v", top)
	}
	node := g.defs["SchemaNode"].(map[string]any)
	props := node["properties"].(map[string]any)
	want := map[string]string{
		"created_at": `{"format":"date-time","type":"string"}`, // promoted from the embedded struct
		"id":         `{"type":"integer"}`,
		"name":       `{"type":"string"}`,
		"start_date": `{"format":"date","type":"string"}`,
		"end_date":   `{"format":"date","type":["string","null"]}`,
		"rent":       `{"description":"amount, two decimals","type":"number"}`,
		"fired_at":   `{"format":"date-time","type":"string"}`,
		"parent":     `{"oneOf":[{"$ref":"#/components/schemas/SchemaNode"},{"type":"null"}]}`,
		"children":   `{"items":{"$ref":"#/components/schemas/SchemaNode"},"type":"array"}`,
		"labels":     `{"additionalProperties":{"type":"string"},"type":"object"}`,
		"extra":      `{"type":"object"}`,
		"blob":       `{"contentEncoding":"base64","type":"string"}`,
		"count":      `{"description":"a int written as a string","type":"string"}`,
		"any":        `{}`,
		"age":        `{"description":"an integer, or the same integer as a string (an empty string is the same as leaving the field out)","oneOf":[{"type":"integer"},{"pattern":"^(-?[0-9]+)?$","type":"string"}]}`,
	}
	for name, w := range want {
		if got := schemaJSON(t, props[name]); got != w {
			t.Errorf("%s = %s, want %s", name, got, w)
		}
	}
	// An unexported field is in neither the schema nor the JSON.
	if _, ok := props["hidden"]; ok {
		t.Error("the schema shows an unexported field")
	}
	if got := schemaJSON(t, schemaNode{hidden: 1}); strings.Contains(got, "hidden") {
		t.Errorf("JSON shows an unexported field: %s", got)
	}
	for name := range props {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected property %s", name)
		}
	}
	for _, r := range node["required"].([]string) {
		if r == "name" {
			t.Errorf("omitempty field is required")
		}
	}
	if len(node["required"].([]string)) != len(want)-1 {
		t.Errorf("required = %v", node["required"])
	}

	// As a request body the same type is another component, without
	// required fields.
	in := g.of(reflect.TypeFor[schemaNode](), asCreate)
	if in["$ref"] != "#/components/schemas/SchemaNodeInput" {
		t.Fatalf("input = %v", in)
	}
	if _, ok := g.defs["SchemaNodeInput"].(map[string]any)["required"]; ok {
		t.Errorf("request schema has required fields")
	}
}

type Tenant struct {
	Other bool `json:"other"`
}

func TestSchemaNameCollision(t *testing.T) {
	g := newSchemas()
	a := g.of(reflect.TypeFor[porter.Tenant](), asResponse)
	b := g.of(reflect.TypeFor[Tenant](), asResponse)
	if a["$ref"] == b["$ref"] {
		t.Fatalf("two types share %v", a["$ref"])
	}
	if b["$ref"] != "#/components/schemas/HttpTenant" {
		t.Errorf("second Tenant = %v", b["$ref"])
	}
}

func TestSpecPathAndOperationID(t *testing.T) {
	if got := specPath("/v1/documents/{id}/files/{rest...}"); got != "/v1/documents/{id}/files/{rest}" {
		t.Errorf("specPath = %s", got)
	}
	if got := operationID("POST", "/api/action_create_tenant.php"); got != "post_api_action_create_tenant_php" {
		t.Errorf("operationID = %s", got)
	}
}

func TestPathParamType(t *testing.T) {
	if s := pathParamSchema("id", []eventView{}); s["type"] != "string" {
		t.Errorf("event id = %v", s)
	}
	if s := pathParamSchema("id", porter.Tenant{}); s["type"] != "integer" {
		t.Errorf("tenant id = %v", s)
	}
	if s := pathParamSchema("file", nil); s["type"] != "string" {
		t.Errorf("file = %v", s)
	}
}

func TestRawRoutes(t *testing.T) {
	g := newSchemas()
	up := requestBody(&route{Method: "POST", Path: "/v1/documents", API: v1API, Raw: true}, g)
	if schemaJSON(t, up) != `{"content":{"multipart/form-data":{"schema":{"properties":{"file":{"contentMediaType":"application/octet-stream","format":"binary","type":"string"}},"required":["file"],"type":"object"}}},"required":true}` {
		t.Errorf("upload = %s", schemaJSON(t, up))
	}
	type form struct {
		Title string `json:"title"`
		File  []byte `json:"file"`
	}
	up = requestBody(&route{Method: "POST", Path: "/v1/documents", API: v1API, Raw: true, Request: form{}}, g)
	props := up["content"].(map[string]any)["multipart/form-data"].(map[string]any)["schema"].(map[string]any)["properties"].(map[string]any)
	if props["file"].(map[string]any)["format"] != "binary" || props["title"].(map[string]any)["type"] != "string" {
		t.Errorf("form = %v", props)
	}
	down := successContent(&route{Method: "GET", Path: "/v1/documents/{id}/content", API: v1API, Response: fileBody{}, Status: 200}, g)
	if _, ok := down["*/*"]; !ok || len(down) != 1 {
		t.Errorf("download = %v", down)
	}
}
