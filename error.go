package porter

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. The HTTP layer maps each to one status code in one place.
const (
	EINVALID      = "invalid"       // 400: the request is wrong
	EUNAUTHORIZED = "unauthorized"  // 401
	EFORBIDDEN    = "forbidden"     // 403: outside the key's scopes
	ENOTFOUND     = "not_found"     // 404: absent, or another organization's
	ECONFLICT     = "conflict"      // 409: the resource is in the wrong state
	EUNPROCESS    = "unprocessable" // 422: e.g. an idempotency key reused with another body
	ETOOLARGE     = "too_large"     // 413
	ERATELIMIT    = "rate_limited"  // 429
	EINTERNAL     = "internal"      // 500: never for anything a client can send
)

// Error is a domain error: a code, a human-readable message and, for
// validation errors, the fields at fault.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// FieldError names one field of a request and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the error for an id that does not exist in the organization.
func NotFound(resource string, id int64) *Error {
	return Errorf(ENOTFOUND, "%s %d not found", resource, id)
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the client-facing message of err; internal errors
// are never described to clients.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}

// Validation collects field errors for one request.
type Validation struct {
	fields []FieldError
}

// Add records a problem with a field.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Required records field as missing when value is empty.
func (v *Validation) Required(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, "is required")
	}
}

// OneOf records field as invalid unless value is one of allowed.
func (v *Validation) OneOf(field, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.Add(field, "must be one of %s", strings.Join(allowed, ", "))
}

// Err returns nil when nothing was recorded, or an EINVALID *Error whose
// message names every problem.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	parts := make([]string, len(v.fields))
	for i, f := range v.fields {
		parts[i] = f.Field + " " + f.Message
	}
	return &Error{Code: EINVALID, Message: strings.Join(parts, "; "), Fields: v.fields}
}
