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
	t   reflect.Type
	use use
}

// use is what a schema describes: a response, or a request body that
// creates (or acts: every required field must be sent) or updates (every
// field optional).
type use int

const (
	asResponse use = iota
	asCreate
	asUpdate
)

// openAPISchemaer lets a type with custom JSON describe itself.
type openAPISchemaer interface {
	openAPISchema() map[string]any
}

// mediaBody, as a route's Request or Response, is a body that is not JSON:
// its media type, e.g. "text/html" or "application/pdf".
type mediaBody string

// fileBody, as a route's Response, is a stored file served with its own
// media type, whatever that is.
type fileBody struct{}

var (
	timeType       = reflect.TypeFor[time.Time]()
	porterTimeType = reflect.TypeFor[porter.Time]()
	moneyType      = reflect.TypeFor[porter.Money]()
	flexIntType    = reflect.TypeFor[flexInt]()
	percentType    = reflect.TypeFor[porter.Percent]()  // short-term rentals
	quantityType   = reflect.TypeFor[porter.Quantity]() // short-term rentals
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	marshalerType  = reflect.TypeFor[json.Marshaler]()
	schemaerType   = reflect.TypeFor[openAPISchemaer]()
)

func newSchemas() *schemas {
	return &schemas{defs: map[string]any{}, names: map[schemaKey]string{}, taken: map[string]schemaKey{}}
}

// of returns the schema of values of type t. A nil t (an untyped nil
// interface) is any value.
func (g *schemas) of(t reflect.Type, u use) map[string]any {
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
		if u != asResponse {
			// porter.Money also reads a numeric string, as no-code tools send one.
			return map[string]any{"description": "amount, at most two decimals: a number, or the same number as a string",
				"oneOf": []any{map[string]any{"type": "number"}, map[string]any{"type": "string", "pattern": `^\s*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$`}}}
		}
		return map[string]any{"type": "number", "description": "amount, two decimals"}
	case percentType, quantityType:
		// Written and read as porter.Money is.
		desc := "a percentage, at most two decimals (20.5 is 20.5 %)"
		if t == quantityType {
			desc = "a quantity, at most two decimals"
		}
		if u != asResponse {
			return map[string]any{"description": desc + ": a number, or the same number as a string",
				"oneOf": []any{map[string]any{"type": "number"}, map[string]any{"type": "string", "pattern": `^\s*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$`}}}
		}
		return map[string]any{"type": "number", "description": desc}
	case flexIntType:
		return map[string]any{"description": "an integer, or the same integer as a string (an empty string is the same as leaving the field out)",
			"oneOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "string", "pattern": "^(-?[0-9]+)?$"}}}
	case rawMessageType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem(), u))
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
		return map[string]any{"type": "array", "items": g.of(t.Elem(), u)}
	case reflect.Map:
		s := map[string]any{"type": "object"}
		if t.Elem().Kind() != reflect.Interface {
			s["additionalProperties"] = g.of(t.Elem(), u)
		}
		return s
	case reflect.Struct:
		if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
			// Custom JSON we cannot see into: say nothing rather than lie.
			return map[string]any{}
		}
		if t.Name() == "" {
			return g.object(t, u)
		}
		if u == asUpdate && len(requestRules[t].Required) == 0 {
			u = asCreate // the same schema: share it
		}
		return map[string]any{"$ref": "#/components/schemas/" + g.component(t, u)}
	}
	return map[string]any{} // interfaces: any value
}

// component registers t's schema under a name and returns the name.
func (g *schemas) component(t reflect.Type, u use) string {
	key := schemaKey{t, u}
	if name, ok := g.names[key]; ok {
		return name
	}
	base, suffix := componentName(t.Name()), ""
	if other, ok := g.taken[base]; ok && other.t == t && other.use == asResponse && u != asResponse {
		suffix = "Input"
	}
	if u == asUpdate {
		// The create schema's fields, none required: TenantInput's is
		// TenantUpdate.
		if trimmed := strings.TrimSuffix(base, "Input") + "Update"; g.taken[trimmed].t == nil {
			base = trimmed
		} else {
			suffix += "Update"
		}
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
	g.defs[name] = g.object(t, u)
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
func (g *schemas) object(t reflect.Type, u use) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, u, props, &required)
	if u != asResponse {
		rules := requestRules[t]
		if u == asCreate {
			required = append(required, rules.Required...)
			for _, name := range rules.Required {
				if p, ok := props[name].(map[string]any); ok {
					props[name] = nonNull(p) // null is the same as left out
				}
			}
		}
		for name, values := range rules.Enums {
			if p, ok := props[name].(map[string]any); ok {
				props[name] = withEnum(p, values, rules.BlankIsUnset)
			}
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func (g *schemas) fields(t reflect.Type, u use, props map[string]any, required *[]string) {
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
				g.fields(ft, u, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.of(f.Type, u)
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
		if u == asResponse && !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero") {
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
	if alts, ok := s["oneOf"].([]any); ok {
		s["oneOf"] = append(alts, map[string]any{"type": "null"})
		return s
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

// nonNull undoes nullable.
func nonNull(s map[string]any) map[string]any {
	if types, ok := s["type"].([]string); ok {
		var keep []string
		for _, t := range types {
			if t != "null" {
				keep = append(keep, t)
			}
		}
		if len(keep) == 1 {
			s["type"] = keep[0]
		} else {
			s["type"] = keep
		}
		return s
	}
	if alts, ok := s["oneOf"].([]any); ok {
		var keep []any
		for _, a := range alts {
			if m, ok := a.(map[string]any); ok && len(m) == 1 && m["type"] == "null" {
				continue
			}
			keep = append(keep, a)
		}
		if len(keep) == 1 && len(s) == 1 {
			return keep[0].(map[string]any)
		}
		s["oneOf"] = keep
	}
	return s
}
