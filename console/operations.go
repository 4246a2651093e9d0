package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"porter"
)

// Helpers the operations pages (work orders, inspections, vendors, staff,
// documents, broadcasts) share.

// readOpsForm parses a posted form (as readPostedForm does) and answers
// what it cannot read as the Service's bad input.
func readOpsForm(w http.ResponseWriter, r *http.Request) error {
	if msg, ok := readPostedForm(w, r); !ok {
		return porter.Errorf(porter.EINVALID, "%s", msg)
	}
	return nil
}

// opsCleanText refuses text the stores cannot keep (PostgreSQL takes no
// NUL and no invalid UTF-8): a 400 naming the field, not a 500.
func opsCleanText(values url.Values) error {
	var v porter.Validation
	for name, vs := range values {
		for _, s := range vs {
			if !utf8.ValidString(name) || !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				v.Add(strings.ToValidUTF8(name, "?"), "must be valid UTF-8 text without NUL characters")
				break
			}
		}
	}
	return v.Err()
}

// opsCheckQuery checks a list page's URL query the same way.
func opsCheckQuery(r *http.Request) error { return opsCleanText(r.URL.Query()) }

// opsText is a form field, trimmed; nil when absent from the form, so
// that the Service keeps its default.
func opsText(form url.Values, field string) *string {
	if _, ok := form[field]; !ok {
		return nil
	}
	v := strings.TrimSpace(form.Get(field))
	return &v
}

// opsID reads an optional id field: nil when empty, an error naming the
// field when it is not a positive whole number.
func opsID(form url.Values, field string) (*int64, error) {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return nil, &porter.Error{Code: porter.EINVALID, Message: field + " must be a positive whole number",
			Fields: []porter.FieldError{{Field: field, Message: "must be a positive whole number"}}}
	}
	return &n, nil
}

// opsMoney reads an optional amount entered as a decimal (125.50): nil
// when empty.
func opsMoney(form url.Values, field string) (*porter.Money, error) {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return nil, nil
	}
	m, err := porter.ParseMoney(v)
	if err != nil {
		return nil, &porter.Error{Code: porter.EINVALID, Message: field + " " + err.Error() + ", e.g. 125.50",
			Fields: []porter.FieldError{{Field: field, Message: err.Error()}}}
	}
	return &m, nil
}

// opsQueryID reads an optional id filter from the URL: 0 when empty.
func opsQueryID(r *http.Request, field string) (int64, error) {
	id, err := opsID(r.URL.Query(), field)
	if err != nil || id == nil {
		return 0, err
	}
	return *id, nil
}

// opsOneOf checks a filter value from the URL against the allowed ones.
func opsOneOf(field, value string, allowed ...string) error {
	if value == "" {
		return nil
	}
	var v porter.Validation
	v.OneOf(field, value, allowed...)
	return v.Err()
}

// opsBadInput is the message of an error the person can fix (bad input):
// the form is shown again with it, as a 400.
func opsBadInput(err error) (string, bool) {
	var e *porter.Error
	if errors.As(err, &e) && (e.Code == porter.EINVALID || e.Code == porter.EUNPROCESS) {
		return e.Message, true
	}
	return "", false
}

// opsPicks are the records a form offers in its selects.
type opsPicks struct {
	Properties []*porter.Property
	Units      []*porter.Unit
	Vendors    []*porter.Vendor
	Staff      []*porter.Staff
	names      map[int64]string // property id → name
	unitNames  map[int64]string
}

// PropertyName is a property's name for a list's column.
func (p *opsPicks) PropertyName(id int64) string {
	if n, ok := p.names[id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// UnitName is a unit's name, "" for none.
func (p *opsPicks) UnitName(id *int64) string {
	if id == nil {
		return ""
	}
	if n, ok := p.unitNames[*id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(*id, 10)
}

// What a page needs picked: one query per kind.
const (
	opsPickProperties = 1 << iota
	opsPickUnits
	opsPickVendors
	opsPickStaff
)

func (c *Console) opsPicks(ctx context.Context, org int64, what int) (*opsPicks, error) {
	p := &opsPicks{names: map[int64]string{}, unitNames: map[int64]string{}}
	if what&opsPickProperties != 0 {
		l, err := c.svc.Properties(ctx, org, porter.PropertyFilter{ListParams: pickAll})
		if err != nil {
			return nil, err
		}
		p.Properties = l.Items
		for _, pr := range l.Items {
			p.names[pr.ID] = pr.Name
		}
	}
	if what&opsPickUnits != 0 {
		l, err := c.svc.Units(ctx, org, porter.UnitFilter{ListParams: pickAll})
		if err != nil {
			return nil, err
		}
		p.Units = l.Items
		for _, un := range l.Items {
			p.unitNames[un.ID] = un.Name
		}
	}
	if what&opsPickVendors != 0 {
		l, err := c.svc.Vendors(ctx, org, porter.VendorFilter{ListParams: pickAll, Status: porter.VendorActive})
		if err != nil {
			return nil, err
		}
		p.Vendors = l.Items
	}
	if what&opsPickStaff != 0 {
		l, err := c.svc.StaffList(ctx, org, porter.StaffFilter{ListParams: pickAll})
		if err != nil {
			return nil, err
		}
		p.Staff = l.Items
	}
	return p, nil
}
