package http

import (
	"errors"
	"testing"

	"porter"
)

// FuzzDecodeJSON feeds arbitrary bodies to the request decoder: it must
// never panic, and every failure must be a 400 (invalid) naming the
// problem, never an internal error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"email":"ann@example.com","first_name":"Ann","last_name":"Lee","phone":"+1 555"}`,
		`{"property_id":1,"name":"12B","bedrooms":2,"market_rent":1800.00,"status":"vacant"}`,
		`{"market_rent":"1800"}`, `{"market_rent":1e400}`, `{"market_rent":18.005}`, `{"bedrooms":1.5}`,
		`{"name":null}`, `{"unknown":1}`, `[]`, `null`, `"x"`, `{`, ``, `   `, `{"email":{"a":1}}`,
		`{"a":1,"a":2}`, "{\"email\":\"\xff\"}", `{"property_id":-9223372036854775809}`,
		`{"email":"a","email":"b"}`, `{"m":{"k":1,"k":2}}`, `{"x":[{"a":1,"a":1}]}`, `{"first_name":"\ud800"}`,
		`{"first_name":"\udc00\ud800"}`, `{"first_name":"\ud83d\ude00"}`, "{\"\xff\":1}", `{"a\u0000":1,"a\u0000":2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(what string, err error) {
			if err == nil {
				return
			}
			var pe *porter.Error
			if !errors.As(err, &pe) || pe.Code != porter.EINVALID {
				t.Fatalf("%s: %T %v, want a *porter.Error with code invalid", what, err, err)
			}
			if pe.Message == "" {
				t.Fatalf("%s: error without a message", what)
			}
		}
		for _, strict := range []bool{true, false} {
			var tenant porter.TenantInput
			check("TenantInput", decodeJSON(body, &tenant, strict))
			var unit porter.UnitInput
			check("UnitInput", decodeJSON(body, &unit, strict))
			var seed seedTenantRequest
			check("seedTenantRequest", decodeJSON(body, &seed, strict))
		}
	})
}

// FuzzFormFields feeds arbitrary urlencoded bodies to the seed endpoints'
// form reader: never a panic, every failure a 400 with a message.
func FuzzFormFields(f *testing.F) {
	for _, s := range []string{
		"email=a%40example.com&first_name=Ann&last_name=Lee", "amount=12.50&tenant_id=3", "a=1&a=2",
		"a=%ff", "%zz", "", "=", "&&&", "property_id=true", "amount=1e400",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := formFields(formBody, nil, body)
		if err == nil {
			var seed seedChargeRequest
			err = decodeFields(raw, &seed, false, true)
		}
		if err == nil {
			return
		}
		var pe *porter.Error
		if !errors.As(err, &pe) || pe.Code != porter.EINVALID || pe.Message == "" {
			t.Fatalf("%T %v, want a *porter.Error with code invalid and a message", err, err)
		}
	})
}
