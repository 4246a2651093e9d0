package porter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// IntegrationMapping is an integration's mapping document: which Porter
// record each source entity becomes, how its fields are read, and how
// source values translate into Porter's.
//
//	{"entities": {"defect": {"target": "work_order", "auto_create": true,
//	    "fields": {"title": "summary", "building": "metadata.project_code"},
//	    "defaults": {"priority": "high", "assigned_to": "Facilities"}}},
//	 "value_maps": {"building": {"B-7": 12}, "asset_category": {"Construction HVAC unit": "HVAC Equipment"}}}
type IntegrationMapping struct {
	Entities  map[string]*IntegrationEntityMapping `json:"entities" doc:"Per source entity (defect, building, asset…): the Porter record it becomes"`
	ValueMaps map[string]map[string]any            `json:"value_maps,omitempty" doc:"Per kind of value (building, priority, category, asset_category…): source value → Porter value; \"*\" matches any other value"`
}

// IntegrationEntityMapping maps one source entity.
type IntegrationEntityMapping struct {
	Target     string            `json:"target" doc:"The Porter record it becomes: work_order or property"`
	AutoCreate *bool             `json:"auto_create,omitempty" doc:"false: records are mapped and logged (status mapped) but nothing is written; default true"`
	Fields     map[string]string `json:"fields,omitempty" doc:"Porter field → where the value is in the source record: a dotted path in data (metadata.project), or $.path from the envelope's top; a field left out is read from data under its own name"`
	Defaults   map[string]any    `json:"defaults,omitempty" doc:"Porter field → value used when the source gives none"`
}

// UnmarshalJSON refuses unknown keys, so that a typo in a mapping is a
// 400 naming it rather than a setting silently ignored.
func (m *IntegrationEntityMapping) UnmarshalJSON(b []byte) error {
	type plain IntegrationEntityMapping
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var p plain
	if err := d.Decode(&p); err != nil {
		return err
	}
	*m = IntegrationEntityMapping(p)
	return nil
}

// UnmarshalJSON refuses unknown top-level keys.
func (m *IntegrationMapping) UnmarshalJSON(b []byte) error {
	type plain IntegrationMapping
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var p plain
	if err := d.Decode(&p); err != nil {
		return err
	}
	*m = IntegrationMapping(p)
	return nil
}

var mappingName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

const (
	maxMappingEntities = 100
	maxValueMapEntries = 10000
	maxMappingBytes    = 256 << 10
)

// validate checks the document against the targets this build knows: an
// unknown entity name, target, field or value kind is a 422 naming its
// path in the document.
func (m *IntegrationMapping) validate() error {
	if m.Entities == nil {
		m.Entities = map[string]*IntegrationEntityMapping{}
	}
	var v Validation
	if b, err := json.Marshal(m); err == nil && len(b) > maxMappingBytes {
		v.Add("mapping", "is %d bytes; at most %d", len(b), maxMappingBytes)
	}
	if len(m.Entities) > maxMappingEntities {
		v.Add("mapping.entities", "has %d entities; at most %d", len(m.Entities), maxMappingEntities)
	}
	kinds := map[string]bool{}
	for _, k := range plannedValueKinds {
		kinds[k] = true
	}
	for _, name := range keysOf(m.Entities) {
		e := m.Entities[name]
		at := "mapping.entities." + name
		if !mappingName.MatchString(name) {
			v.Add(at, "is not an entity name: lower-case letters, digits and _, starting with a letter")
			continue
		}
		if e == nil {
			v.Add(at, "must be an object with a target")
			continue
		}
		t, ok := integrationTargets[e.Target]
		if !ok {
			v.Add(at+".target", "%s", unknownTargetMessage(e.Target))
			continue
		}
		fields := map[string]integrationField{}
		for _, f := range t.fields() {
			fields[f.Name] = f
			if f.Kind != "" {
				kinds[f.Kind] = true
			}
		}
		for _, f := range keysOf(e.Fields) {
			if _, ok := fields[f]; !ok {
				v.Add(at+".fields."+f, "is not a field of %s (its fields: %s)", e.Target, fieldNames(t))
			} else if strings.TrimSpace(e.Fields[f]) == "" || len(e.Fields[f]) > 200 {
				v.Add(at+".fields."+f, "must be a source path of 1 to 200 characters, e.g. data.title or metadata.project")
			}
		}
		for _, f := range keysOf(e.Defaults) {
			fd, ok := fields[f]
			switch {
			case !ok:
				v.Add(at+".defaults."+f, "is not a field of %s (its fields: %s)", e.Target, fieldNames(t))
			case fd.check != nil:
				if msg := fd.check(mappingString(e.Defaults[f])); msg != "" {
					v.Add(at+".defaults."+f, "%s", msg)
				}
			}
		}
	}
	for _, kind := range keysOf(m.ValueMaps) {
		at := "mapping.value_maps." + kind
		if !kinds[kind] {
			v.Add(at, "is not a kind of value any mapped field uses (kinds: %s)", strings.Join(keysOf(kinds), ", "))
			continue
		}
		if len(m.ValueMaps[kind]) > maxValueMapEntries {
			v.Add(at, "has %d entries; at most %d", len(m.ValueMaps[kind]), maxValueMapEntries)
		}
		for _, from := range keysOf(m.ValueMaps[kind]) {
			switch m.ValueMaps[kind][from].(type) {
			case string, float64, json.Number, bool:
			default:
				v.Add(at+"."+from, "must map to a string or a number")
			}
		}
	}
	if err := v.Err(); err != nil {
		e := err.(*Error)
		e.Code = EUNPROCESS
		e.Message = "the mapping is not valid: " + e.Message
		return e
	}
	return nil
}

// plannedValueKinds are value kinds of targets issue 11 plans (assets,
// warranties, meters), accepted in value_maps before their appliers land
// so that a mapping written today keeps working.
var plannedValueKinds = []string{"asset_category", "asset_condition", "meter_unit"}

func unknownTargetMessage(name string) string {
	if name == "" {
		return fmt.Sprintf("is required: one of %s", strings.Join(keysOf(integrationTargets), ", "))
	}
	for _, p := range plannedIntegrationTargets {
		if p == name {
			return fmt.Sprintf("'%s' is not available in this Porter yet: records cannot become %s records until its applier is added (available: %s)",
				name, name, strings.Join(keysOf(integrationTargets), ", "))
		}
	}
	return fmt.Sprintf("'%s' is not a Porter record an integration can write (available: %s)", name, strings.Join(keysOf(integrationTargets), ", "))
}

func fieldNames(t integrationTarget) string {
	var names []string
	for _, f := range t.fields() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mappingString is a source or mapped value as text: strings as they
// are, numbers in their JSON form, anything else as compact JSON.
func mappingString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// lookupPath reads a dotted path: "$.a.b" from the envelope, "a.b" from
// its data; a number indexes an array.
func lookupPath(envelope map[string]any, path string) (any, bool) {
	var cur any
	if rest, ok := strings.CutPrefix(path, "$."); ok {
		cur, path = envelope, rest
	} else {
		cur = envelope["data"]
	}
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, cur != nil
}

// resolve reads every field of target from a record: its source path,
// then its default, then its value map. A value whose kind must be
// mapped and is not is the error that names the gap.
func (m *IntegrationMapping) resolve(e *IntegrationEntityMapping, t integrationTarget, envelope map[string]any) (map[string]string, map[string]bool, error) {
	out, mapped := map[string]string{}, map[string]bool{}
	for _, f := range t.fields() {
		path := f.Name
		if p, ok := e.Fields[f.Name]; ok {
			path = p
		}
		raw, ok := lookupPath(envelope, path)
		val := mappingString(raw)
		if !ok || val == "" {
			if d, ok := e.Defaults[f.Name]; ok {
				out[f.Name] = mappingString(d)
			}
			continue
		}
		if f.Kind != "" {
			vm := m.ValueMaps[f.Kind]
			if to, ok := vm[val]; ok {
				val, mapped[f.Name] = mappingString(to), true
			} else if to, ok := vm["*"]; ok {
				val, mapped[f.Name] = mappingString(to), true
			} else if f.MustMap {
				return nil, nil, gapError(f.Kind, val)
			}
		}
		if f.check != nil {
			if msg := f.check(val); msg != "" {
				return nil, nil, Errorf(EUNPROCESS, "%s %s", f.Name, msg)
			}
		}
		out[f.Name] = val
	}
	return out, mapped, nil
}

// gapError names a value the mapping has no entry for, as seed 002's log
// shows it: "asset category 'Construction HVAC unit' has no mapping".
func gapError(kind, value string) error {
	return Errorf(EUNPROCESS, "%s '%s' has no mapping (add it to value_maps.%s)", strings.ReplaceAll(kind, "_", " "), value, kind)
}
