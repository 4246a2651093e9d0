package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/url"
	"strings"
	"unicode/utf8"

	"porter"
)

// formFields reads a form body (urlencoded or multipart) as the JSON object
// it stands for: each field a JSON string, so that it decodes field by
// field like a JSON body. A field given twice is refused, as a duplicate
// JSON key is; files are refused, as no seed endpoint takes one.
func formFields(kind bodyKind, params map[string]string, body []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, porter.Errorf(porter.EINVALID, "request body is required: send the fields as a form or a JSON object")
	}
	values := url.Values{}
	switch kind {
	case formBody:
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, porter.Errorf(porter.EINVALID, "request body is not valid application/x-www-form-urlencoded data: %v", err)
		}
		values = v
	case multipartBody:
		boundary := params["boundary"]
		if boundary == "" {
			return nil, porter.Errorf(porter.EINVALID, "multipart/form-data Content-Type needs a boundary parameter")
		}
		mr := multipart.NewReader(bytes.NewReader(body), boundary)
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, porter.Errorf(porter.EINVALID, "request body is not valid multipart/form-data: %v", err)
			}
			name := part.FormName()
			if name == "" {
				return nil, porter.Errorf(porter.EINVALID, "a multipart/form-data part has no field name")
			}
			if part.FileName() != "" {
				return nil, fieldError(name, "is a file; this endpoint takes text fields only")
			}
			// The whole body is already within the size limit.
			b, err := io.ReadAll(part)
			if err != nil {
				return nil, porter.Errorf(porter.EINVALID, "request body is not valid multipart/form-data: %v", err)
			}
			values[name] = append(values[name], string(b))
		}
	}
	if len(values) == 0 {
		return nil, porter.Errorf(porter.EINVALID, "request body has no fields")
	}
	raw := make(map[string]json.RawMessage, len(values))
	for name, vs := range values {
		if !utf8.ValidString(name) {
			return nil, porter.Errorf(porter.EINVALID, "request body has a field name that is not valid UTF-8")
		}
		if len(vs) > 1 {
			return nil, fieldError(name, "is given more than once")
		}
		if !utf8.ValidString(vs[0]) {
			return nil, fieldError(name, "must be valid UTF-8 text")
		}
		b, err := json.Marshal(vs[0])
		if err != nil {
			return nil, fieldError(name, "must be valid UTF-8 text")
		}
		raw[name] = b
	}
	return raw, nil
}

// formLiteral tells whether a form value can stand for a JSON scalar that
// is not a string.
func formLiteral(s string) bool {
	s = strings.TrimSpace(s)
	switch s {
	case "true", "false", "null":
		return true
	case "":
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}
