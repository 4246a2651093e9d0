package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"porter"
)

// writeJSON writes v as the response body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = jsonTo(w, v)
}

// jsonTo writes v as every JSON body is written, so that a body encoded
// ahead (an Idempotency-Key's remembered response) is the same bytes.
func jsonTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// encode writes a success body.
func encode(w http.ResponseWriter, r *http.Request, v any) error {
	writeJSON(w, routeStatus(r), v)
	return nil
}

// routeStatus is the status r's route answers success with: 200 unless
// the route says otherwise (201 for a create).
func routeStatus(r *http.Request) int {
	if rt := routeFrom(r); rt != nil {
		return rt.Status
	}
	return http.StatusOK
}

// unauthorizedBody is seed 000's 401 body, exactly.
var unauthorizedBody = map[string]string{"error": "unauthorized", "message": "Missing or invalid Bearer token"}

// writeError maps err to a status and writes it in the route's format:
// {"error": "…"} for seed 000's endpoints, problem+json for v1.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := porter.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		if r.Context().Err() != nil {
			// The client went away: nothing to answer, nothing broken.
			s.logger.Debug("client closed the request", "method", r.Method, "path", r.URL.Path, "err", err)
			return
		}
		s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var pe *porter.Error
	errors.As(err, &pe)
	msg := porter.ErrorMessage(err)
	rt := routeFrom(r)
	switch {
	case code == porter.EUNAUTHORIZED:
		// Missing and invalid keys get seed 000's body on every API.
		writeJSON(w, status, map[string]any{"error": "unauthorized", "message": msg})
		return
	case rt == nil || (rt.API != v1API && rt.API != hookAPI):
		body := map[string]any{"error": msg}
		if code == porter.EFORBIDDEN || code == porter.ERATELIMIT {
			body = map[string]any{"error": code, "message": msg}
		}
		if rt != nil && rt.API == seedAPI && (status == http.StatusNotFound || status == http.StatusConflict || status == http.StatusUnprocessableEntity ||
			status == http.StatusRequestEntityTooLarge || status == http.StatusUnsupportedMediaType) {
			// Seed 000 answers every validation or processing error with
			// 400, a body too large or of another type included.
			status = http.StatusBadRequest
		}
		writeJSON(w, status, body)
		return
	}
	problem := map[string]any{
		"type":   strings.TrimRight(s.cfg.BaseURL, "/") + "/docs/problems#problem-" + code,
		"title":  titleOf(code),
		"status": status,
		"detail": msg,
	}
	if pe != nil && len(pe.Fields) > 0 {
		problem["errors"] = pe.Fields
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem)
}

func statusOf(code string) int {
	switch code {
	case porter.EINVALID:
		return http.StatusBadRequest
	case porter.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case porter.EFORBIDDEN:
		return http.StatusForbidden
	case porter.ENOTFOUND:
		return http.StatusNotFound
	case porter.ECONFLICT:
		return http.StatusConflict
	case porter.EUNPROCESS:
		return http.StatusUnprocessableEntity
	case porter.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case porter.ERATELIMIT:
		return http.StatusTooManyRequests
	case eUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case eMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// HTTP-only error codes.
const (
	eUnsupportedMedia = "unsupported_media_type" // the body is not JSON
	eMethodNotAllowed = "method_not_allowed"
)

func titleOf(code string) string {
	switch code {
	case porter.EINVALID:
		return "Invalid request"
	case porter.EFORBIDDEN:
		return "Missing scope"
	case porter.ENOTFOUND:
		return "Not found"
	case porter.ECONFLICT:
		return "Conflict"
	case porter.EUNPROCESS:
		return "Unprocessable request"
	case porter.ETOOLARGE:
		return "Request too large"
	case porter.ERATELIMIT:
		return "Too many requests"
	case eUnsupportedMedia:
		return "Unsupported media type"
	case eMethodNotAllowed:
		return "Method not allowed"
	}
	return "Internal error"
}

// bodyKind is what a request body's Content-Type says it holds.
type bodyKind int

const (
	jsonBody      bodyKind = iota
	formBody               // application/x-www-form-urlencoded
	multipartBody          // multipart/form-data
)

// kindOf reads r's Content-Type. No Content-Type is JSON, as curl without
// -H sends it; forms are recognised here and refused by the caller where
// they are not accepted.
func kindOf(r *http.Request) (bodyKind, map[string]string, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return jsonBody, nil, nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return jsonBody, params, nil
	case mt == "application/x-www-form-urlencoded":
		return formBody, params, nil
	case mt == "multipart/form-data":
		return multipartBody, params, nil
	}
	return jsonBody, nil, unsupportedMedia(ct, false)
}

func unsupportedMedia(ct string, forms bool) error {
	want := "application/json"
	if forms {
		want = "application/json, application/x-www-form-urlencoded or multipart/form-data"
	}
	return &porter.Error{Code: eUnsupportedMedia, Message: fmt.Sprintf("Content-Type must be %s, not %q", want, ct)}
}

// readRaw reads the request body, whatever it holds, within the size limit.
func (s *Server) readRaw(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, porter.Errorf(porter.ETOOLARGE, "request body is larger than %s", byteSize(tooBig.Limit))
	} else if err != nil {
		return nil, porter.Errorf(porter.EINVALID, "could not read the request body: %v", err)
	}
	return b, nil
}

// byteSize writes a limit as people set it: 1 MiB, not 1048576 bytes.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readBody reads a JSON request body within the size limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if kind, _, err := kindOf(r); err != nil || kind != jsonBody {
		if err == nil {
			err = unsupportedMedia(r.Header.Get("Content-Type"), false)
		}
		return nil, err
	}
	return s.readRaw(w, r)
}

// noBody refuses a body on an action that takes none, so that a client
// sending one learns it was not read: an empty body or {} passes; another
// Content-Type is 415 and any other JSON 400.
func (s *Server) noBody(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength == 0 {
		return nil
	}
	body, err := s.readRaw(w, r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	if kind, _, err := kindOf(r); err != nil || kind != jsonBody {
		return &porter.Error{Code: eUnsupportedMedia, Message: fmt.Sprintf("this action takes no body; send none, or {} as application/json, not %q", r.Header.Get("Content-Type"))}
	}
	var none struct{}
	if err := decodeJSON(body, &none, true); err != nil {
		return err
	}
	return nil
}

// decodeJSON reads body into v, a pointer to a struct, one field at a
// time so that every error names its field. strict rejects unknown fields
// (v1); seed 000's endpoints ignore them, as tools such as Zapier send extras.
func decodeJSON(body []byte, v any, strict bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return porter.Errorf(porter.EINVALID, "request body is required: send a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return porter.Errorf(porter.EINVALID, "request body is not valid JSON (at byte %d)", syntax.Offset)
		}
		return porter.Errorf(porter.EINVALID, "request body must be a JSON object")
	}
	if raw == nil {
		return porter.Errorf(porter.EINVALID, "request body must be a JSON object")
	}
	// encoding/json keeps the last of duplicate keys and turns invalid
	// UTF-8 into U+FFFD: both would store something the client did not
	// mean, so both are refused, naming where.
	if err := checkJSON(body); err != nil {
		return err
	}
	return decodeFields(raw, v, strict, false)
}

// decodeFields decodes each raw field into the struct v points to. Form
// fields arrive as JSON strings: where the field is not text, a form value
// that is a JSON number, true, false or null is read as that.
func decodeFields(raw map[string]json.RawMessage, v any, strict, form bool) error {
	rv := reflect.ValueOf(v).Elem()
	fields := jsonFields(rv.Type())
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs porter.Validation
	for _, name := range names {
		idx, ok := fields[name]
		if !ok {
			if strict {
				errs.Add(name, "is not a known field")
			}
			continue
		}
		err := json.Unmarshal(raw[name], rv.Field(idx).Addr().Interface())
		if err != nil && form {
			var text string
			if json.Unmarshal(raw[name], &text) == nil && formLiteral(text) {
				if json.Unmarshal([]byte(text), rv.Field(idx).Addr().Interface()) == nil {
					err = nil
				}
			}
		}
		if err != nil {
			errs.Add(name, "%s", fieldMessage(err))
		} else if msg := badText(rv.Field(idx)); msg != "" {
			errs.Add(name, "%s", msg)
		}
	}
	return errs.Err()
}

// maxText bounds any one string in a request: a name or a broadcast body,
// not a document (uploads are multipart).
const maxText = 64 << 10

// badText finds a string in v that no store should keep: one with a NUL
// (PostgreSQL refuses it), or longer than maxText. checkJSON and the form
// reader have already refused invalid UTF-8.
func badText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return "must not contain NUL characters"
		}
		if v.Len() > maxText {
			return fmt.Sprintf("must be at most %d bytes", maxText)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badText(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if msg := badText(v.Index(i)); msg != "" {
				return msg
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if msg := badText(it.Key()); msg != "" {
				return msg
			}
			if msg := badText(it.Value()); msg != "" {
				return msg
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				if msg := badText(v.Field(i)); msg != "" {
					return msg
				}
			}
		}
	}
	return ""
}

// jsonFields maps a struct's JSON names to field indexes.
func jsonFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = i
	}
	return out
}

func fieldMessage(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return "must be " + jsonTypeName(typ.Type.Kind().String())
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return "is not valid JSON"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func fieldError(field, msg string) error {
	return &porter.Error{Code: porter.EINVALID, Message: field + " " + msg, Fields: []porter.FieldError{{Field: field, Message: msg}}}
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint", "uint64":
		return "an integer"
	case "float64", "float32":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "of another type"
}

// decode reads the request body into a new T. Seed 000's endpoints also
// take form bodies, as no-code tools send them.
func decode[T any](s *Server, w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	seed := false
	if rt := routeFrom(r); rt != nil && rt.API == seedAPI {
		seed = true
	}
	kind, params, err := kindOf(r)
	if err != nil || (kind != jsonBody && !seed) {
		return v, unsupportedMedia(r.Header.Get("Content-Type"), seed)
	}
	body, err := s.readRaw(w, r)
	if err != nil {
		return v, err
	}
	if kind == jsonBody {
		return v, decodeJSON(body, &v, !seed)
	}
	raw, err := formFields(kind, params, body)
	if err != nil {
		return v, err
	}
	return v, decodeFields(raw, &v, false, true)
}

// pathID reads the {id} path segment. Anything that is not a positive
// integer cannot name a resource: 404, as for another organization's id.
func pathID(r *http.Request, resource string) (int64, error) {
	s := r.PathValue("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, porter.Errorf(porter.ENOTFOUND, "%s %q not found", resource, s)
	}
	return id, nil
}

// flexInt is an integer that may also arrive as a numeric string, as
// no-code tools send every mapped field.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if len(b) > 0 && b[0] == '"' && s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("must be an integer")
	}
	*f = flexInt(n)
	return nil
}

func (f *flexInt) ptr() *int64 {
	if f == nil || *f == 0 {
		return nil
	}
	v := int64(*f)
	return &v
}
