package http

import (
	"encoding/json"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"porter"
)

// schemas is a small JSON Schema (2020-12, as OpenAPI 3.1 uses) generator
// for the Go types of request and response bodies. Named struct types
// become components, referenced by $ref, so a type is described once.
type schemas struct {
	defs  map[string]any       // components/schemas
	names map[schemaKey]string // type (and use) -> component name
	taken map[string]schemaKey
}

// schemaKey tells apart a type used as a request body from the same type
// in a response: a request's fields are all optional (PATCH sends only
// what changes), a response always carries its non-omitempty fields.
type schemaKey struct {
	t     reflect.Type
	input bool
}

// openAPISchemaer lets a type with custom JSON describe itself.
type openAPISchemaer interface {
	openAPISchema() map[string]any
}

// mediaBody, as a route's Request or Response, is a body that is not JSON:
// its media type, e.g. "text/html" or "application/pdf".
type mediaBody string

var (
	timeType       = reflect.TypeFor[time.Time]()
	porterTimeType = reflect.TypeFor[porter.Time]()
	moneyType      = reflect.TypeFor[porter.Money]()
	flexIntType    = reflect.TypeFor[flexInt]()
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	marshalerType  = reflect.TypeFor[json.Marshaler]()
	schemaerType   = reflect.TypeFor[openAPISchemaer]()
)

func newSchemas() *schemas {
	return &schemas{defs: map[string]any{}, names: map[schemaKey]string{}, taken: map[string]schemaKey{}}
}

// of returns the schema of values of type t. A nil t (an untyped nil
// interface) is any value.
func (g *schemas) of(t reflect.Type, input bool) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	if t.Implements(schemaerType) {
		return reflect.Zero(t).Interface().(openAPISchemaer).openAPISchema()
	}
	switch t {
	case timeType, porterTimeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case moneyType:
		return map[string]any{"type": "number", "description": "amount, two decimals"}
	case flexIntType:
		return map[string]any{"type": []string{"integer", "string"}, "description": "an integer, or a string of digits"}
	case rawMessageType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem(), input))
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.of(t.Elem(), input)}
	case reflect.Map:
		s := map[string]any{"type": "object"}
		if t.Elem().Kind() != reflect.Interface {
			s["additionalProperties"] = g.of(t.Elem(), input)
		}
		return s
	case reflect.Struct:
		if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
			// Custom JSON we cannot see into: say nothing rather than lie.
			return map[string]any{}
		}
		if t.Name() == "" {
			return g.object(t, input)
		}
		return map[string]any{"$ref": "#/components/schemas/" + g.component(t, input)}
	}
	return map[string]any{} // interfaces: any value
}

// component registers t's schema under a name and returns the name.
func (g *schemas) component(t reflect.Type, input bool) string {
	key := schemaKey{t, input}
	if name, ok := g.names[key]; ok {
		return name
	}
	base, suffix := componentName(t.Name()), ""
	if other, ok := g.taken[base]; ok && other.t == t && input {
		suffix = "Input"
	}
	name := base + suffix
	for i := 1; ; i++ {
		if _, ok := g.taken[name]; !ok {
			break
		}
		// Same name, another package: qualify it.
		name = componentName(path.Base(t.PkgPath())) + base + suffix
		if i > 1 {
			name += strconv.Itoa(i)
		}
	}
	g.names[key], g.taken[name] = name, key
	g.defs[name] = map[string]any{} // placeholder: t may refer to itself
	g.defs[name] = g.object(t, input)
	return name
}

// componentName makes a Go type name a valid, exported-looking component
// name (generic instantiations carry brackets and dots).
func componentName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '.') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" {
		return "Schema"
	}
	return strings.ToUpper(out[:1]) + out[1:]
}

// object describes a struct as encoding/json writes it.
func (g *schemas) object(t reflect.Type, input bool) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, input, props, &required)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func (g *schemas) fields(t reflect.Type, input bool, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				// Embedded fields are promoted, as encoding/json does.
				g.fields(ft, input, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.of(f.Type, input)
		base := f.Type
		for base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		if hasOpt(opts, "string") {
			switch base.Kind() {
			case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
				s = map[string]any{"type": "string", "description": "a " + base.Kind().String() + " written as a string"}
			}
		}
		if strings.HasSuffix(name, "_date") && base.Kind() == reflect.String {
			s["format"] = "date"
		}
		if doc := f.Tag.Get("doc"); doc != "" {
			s["description"] = doc
		}
		props[name] = s
		if !input && !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// nullable lets s also be null: OpenAPI 3.1 has no "nullable", the type
// is a list instead.
func nullable(s map[string]any) map[string]any {
	switch t := s["type"].(type) {
	case string:
		if t != "null" {
			s["type"] = []string{t, "null"}
		}
		return s
	case []string:
		for _, x := range t {
			if x == "null" {
				return s
			}
		}
		s["type"] = append(t, "null")
		return s
	}
	if len(s) == 0 {
		return s // any value already includes null
	}
	return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
}

// typeOf is the dynamic type of a route's example value.
func typeOf(v any) reflect.Type {
	if v == nil {
		return nil
	}
	return reflect.TypeOf(v)
}
