package porter

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"unicode"
)

// How an audit entry is made from a write: its diff (from the write's
// first event, or from what the write named itself), redacted, and its
// action (from the Service method that made the write).

// targetEntry diffs a target a write named itself.
func targetEntry(t *auditTarget) (*AuditEntry, error) {
	e := &AuditEntry{ResourceType: t.resourceType, ResourceID: t.id}
	before, err := marshalOrNil(t.before)
	if err != nil {
		return nil, err
	}
	after, err := marshalOrNil(t.after)
	if err != nil {
		return nil, err
	}
	if before != nil && after != nil {
		e.Before, e.After, err = diff(before, after)
		return e, err
	}
	e.Before, e.After = before, after
	return e, nil
}

// eventEntry takes the diff from an event: previous_attributes and the
// same fields' new values for an update, the whole resource otherwise.
func eventEntry(ev *Event) (*AuditEntry, error) {
	e := &AuditEntry{ResourceType: ev.ResourceType, ResourceID: ev.ResourceID}
	switch {
	case ev.PreviousAttributes != nil:
		var old, cur map[string]json.RawMessage
		if err := json.Unmarshal(ev.PreviousAttributes, &old); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(ev.Data, &cur); err != nil {
			return nil, err
		}
		after := make(map[string]json.RawMessage, len(old))
		for k := range old {
			after[k] = cur[k]
		}
		b, err := json.Marshal(after)
		if err != nil {
			return nil, err
		}
		e.Before, e.After = ev.PreviousAttributes, b
	case strings.HasSuffix(ev.Type, ".deleted"):
		e.Before = ev.Data
	default:
		e.After = ev.Data
	}
	return e, nil
}

func marshalOrNil(v any) (json.RawMessage, error) {
	if v == nil || isNil(v) {
		return nil, nil
	}
	return json.Marshal(v)
}

// diff keeps the top-level fields whose JSON differs, old and new.
func diff(before, after json.RawMessage) (json.RawMessage, json.RawMessage, error) {
	var old, cur map[string]json.RawMessage
	if err := json.Unmarshal(before, &old); err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(after, &cur); err != nil {
		return nil, nil, err
	}
	ob, nb := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, v := range old {
		if k != "updated_at" && string(cur[k]) != string(v) {
			ob[k], nb[k] = v, cur[k]
		}
	}
	for k, v := range cur {
		if _, ok := old[k]; !ok && k != "updated_at" {
			ob[k], nb[k] = json.RawMessage("null"), v
		}
	}
	b, err := json.Marshal(ob)
	if err != nil {
		return nil, nil, err
	}
	a, err := json.Marshal(nb)
	return b, a, err
}

// redacted replaces the value of every secret-looking field.
const redacted = `"[redacted]"`

// secretField reports whether a field's value must never reach the log:
// secrets, passwords, tokens, hashes of keys and passwords.
func secretField(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "_at") { // secret_rotated_at is a time, not a secret
		return false
	}
	for _, w := range []string{"secret", "password", "token", "hash", "api_key", "private_key", "passphrase", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "key"
}

// redact rewrites a JSON object with secret fields redacted, at any depth.
func redact(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if !mayHoldSecret(b) {
		// Most writes (every write of a busy API) name no secret-looking
		// field: kept as written, without decoding and encoding it again,
		// which cost a few percent of each write's CPU.
		if !json.Valid(b) {
			return nil
		}
		return b
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil // not JSON we wrote: keep nothing rather than risk a secret
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return nil
	}
	return out
}

// secretWords are what secretField looks for, lower case.
var secretWords = [][]byte{[]byte("secret"), []byte("password"), []byte("token"), []byte("hash"), []byte("api_key"),
	[]byte("private_key"), []byte("passphrase"), []byte("credential"), []byte(`"key"`)}

// mayHoldSecret reports whether b (JSON) could have a field secretField
// redacts: whether any of its words appears anywhere in it, in any case.
func mayHoldSecret(b []byte) bool {
	if bytes.Contains(b, []byte(`\u`)) {
		return true // an escaped name: only decoding tells
	}
	lower := bytes.ToLower(b)
	for _, w := range secretWords {
		if bytes.Contains(lower, w) {
			return true
		}
	}
	return false
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if secretField(k) && val != nil && val != "" {
				x[k] = json.RawMessage(redacted)
				continue
			}
			x[k] = redactValue(val)
		}
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
	}
	return v
}

// callerMethod names the Service method a write helper runs for: the
// nearest exported (*Service) method on the stack, past private helpers
// such as workOrderTransition; else the nearest function of this package.
func callerMethod(skip int) string {
	var pcs [12]uintptr
	n := runtime.Callers(skip+1, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	fallback := ""
	for {
		f, more := frames.Next()
		name := f.Function
		if rest, ok := strings.CutPrefix(name, "porter.(*Service)."); ok {
			if m, _, _ := strings.Cut(rest, "."); m != "" && unicode.IsUpper(rune(m[0])) {
				return m
			} else if fallback == "" {
				fallback = m
			}
		} else if rest, ok := strings.CutPrefix(name, "porter."); ok && fallback == "" && !strings.Contains(rest, "update") {
			fallback, _, _ = strings.Cut(rest, ".")
		}
		if !more {
			break
		}
	}
	return fallback
}

// actionName turns a Service method and the resource it changed into an
// action: the resource type, a dot, and the method's words without the
// resource's name, in snake case (StartWorkOrder on work_order is
// work_order.start; Unsubscribe on webhook is webhook.unsubscribe).
func actionName(resourceType, method string) string {
	compact := strings.ReplaceAll(resourceType, "_", "")
	verb := method
	if i := strings.Index(strings.ToLower(method), compact); compact != "" && i >= 0 {
		verb = method[:i] + method[i+len(compact):]
	}
	if verb == "" {
		verb = "write"
	}
	return resourceType + "." + snake(verb)
}

// snake writes CamelCase words in snake_case, acronyms as one word.
func snake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]) && unicode.IsUpper(r[i-1]))) {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}
