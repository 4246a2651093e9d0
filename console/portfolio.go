package console

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"porter"
)

// The portfolio pages' forms (properties, units, tenants, leases, charges,
// payments) share these helpers: read a posted form, turn its text into
// the Service's input, and turn the Service's refusal into a message that
// names the field by its label.

// maxFormBytes bounds a form's body (not an upload).
const maxFormBytes = 64 << 10

// readPostedForm parses the posted form of any console page; when it
// cannot be read, or holds text the stores cannot keep, ok is false and
// msg says why, for a 400.
func readPostedForm(w http.ResponseWriter, r *http.Request) (msg string, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return "The form could not be read.", false
	}
	if err := opsCleanText(r.PostForm); err != nil {
		return err.Error(), false
	}
	return "", true
}

// formErrors collects what is wrong with a form, field by field, before
// anything is sent to the Service.
type formErrors []string

func (e *formErrors) add(label, msg string) { *e = append(*e, label+" "+msg) }

func (e formErrors) String() string { return strings.Join(e, ". ") + "." }

// formText is a trimmed form value, nil when empty (a PATCH-style input leaves
// it alone).
func formText(v url.Values, name string) *string {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil
	}
	return &s
}

// formTextAll is a trimmed form value, empty included: an edit form sends
// every field, and clearing one clears it.
func formTextAll(v url.Values, name string) *string {
	s := strings.TrimSpace(v.Get(name))
	return &s
}

// formMoney reads a decimal amount such as 25.00; empty is nil.
func formMoney(v url.Values, name, label string, errs *formErrors) *porter.Money {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil
	}
	m, err := porter.ParseMoney(s)
	if err != nil {
		errs.add(label, err.Error()+", such as 25.00")
		return nil
	}
	return &m
}

// formID reads a record id picked from a select; empty is nil.
func formID(v url.Values, name, label string, errs *formErrors) *int64 {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		errs.add(label, "is not a valid choice")
		return nil
	}
	return &n
}

// formCount reads a whole number such as a bedroom count; empty is nil.
func formCount(v url.Values, name, label string, errs *formErrors) *int64 {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		errs.add(label, "must be a whole number")
		return nil
	}
	return &n
}

// queryRef reads an id filter from the URL: 0 when absent, false when
// malformed.
func queryRef(r *http.Request, name string) (int64, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// facilityListQuery checks the query of a facility list (defects, visitor
// passes, amenities): the usual list parameters, a property_id, and a
// status among statuses. It returns the property, 0 for all.
func facilityListQuery(r *http.Request, statuses []string) (int64, error) {
	if err := opsCheckQuery(r); err != nil {
		return 0, err
	}
	q := r.URL.Query()
	prop, ok := queryRef(r, "property_id")
	if !ok {
		return 0, porter.Errorf(porter.EINVALID, "property_id %q: want a property's id", q.Get("property_id"))
	}
	return prop, queryOneOf(q, "status", statuses)
}

// fieldProblem is the Service's refusal of bad input in the form's words: each
// field it names, by the label the form shows. ok is false for any other
// error, which c.fail renders.
func fieldProblem(err error, labels map[string]string) (msg string, ok bool) {
	var e *porter.Error
	if !errors.As(err, &e) || (e.Code != porter.EINVALID && e.Code != porter.EUNPROCESS) {
		return "", false
	}
	if len(e.Fields) == 0 {
		return e.Message, true
	}
	// Longest first, so that tenant_ids is replaced before tenant_id.
	fields := slices.SortedFunc(maps.Keys(labels), func(a, b string) int { return len(b) - len(a) })
	var errs formErrors
	for _, f := range e.Fields {
		label := labels[f.Field]
		if label == "" {
			label = f.Field
		}
		msg := f.Message
		for _, field := range fields { // "must be after start_date": the form says "start date"
			msg = strings.ReplaceAll(msg, field, strings.ToLower(labels[field]))
		}
		errs.add(label, msg)
	}
	return errs.String(), true
}

// stateConflict is the Service's refusal of a state change (a lease that is
// not a draft cannot be activated, ...), shown on the record's page.
func stateConflict(err error) (string, bool) {
	var e *porter.Error
	if errors.As(err, &e) && e.Code == porter.ECONFLICT {
		return e.Message, true
	}
	return "", false
}

// pick is one option of a select: a record's id and what a person
// reads.
type pick struct {
	ID    int64
	Label string
}

// Selects offer the first porter.MaxPerPage records, newest first; an
// organization with more types the id in the URL of a record page's link
// (each record page links its forms prefilled).
var pickAll = porter.ListParams{Page: 1, PerPage: porter.MaxPerPage}

func tenantLabel(t *porter.Tenant) string {
	return strings.TrimSpace(t.FirstName+" "+t.LastName) + " <" + t.Email + ">"
}

// tenantChoices lists the tenants for a select, and their labels by id
// for the lists that name them.
func (c *Console) tenantChoices(ctx context.Context, org int64) ([]pick, map[int64]string, error) {
	list, err := c.svc.Tenants(ctx, org, porter.TenantFilter{ListParams: pickAll})
	if err != nil {
		return nil, nil, err
	}
	out, names := make([]pick, 0, len(list.Items)), map[int64]string{}
	for _, t := range list.Items {
		out = append(out, pick{t.ID, tenantLabel(t)})
		names[t.ID] = tenantLabel(t)
	}
	return out, names, nil
}

// propertyChoices lists the active properties for a select, and every
// listed property's name by id.
func (c *Console) propertyChoices(ctx context.Context, org int64) ([]pick, map[int64]string, error) {
	list, err := c.svc.Properties(ctx, org, porter.PropertyFilter{ListParams: pickAll})
	if err != nil {
		return nil, nil, err
	}
	out, names := make([]pick, 0, len(list.Items)), map[int64]string{}
	for _, p := range list.Items {
		names[p.ID] = p.Name
		if p.Status == porter.PropertyActive {
			out = append(out, pick{p.ID, p.Name})
		}
	}
	return out, names, nil
}

// unitChoices lists the units for a select, each named with its property,
// and their labels by id.
func (c *Console) unitChoices(ctx context.Context, org int64) ([]pick, map[int64]string, error) {
	_, props, err := c.propertyChoices(ctx, org)
	if err != nil {
		return nil, nil, err
	}
	list, err := c.svc.Units(ctx, org, porter.UnitFilter{ListParams: pickAll})
	if err != nil {
		return nil, nil, err
	}
	out, names := make([]pick, 0, len(list.Items)), map[int64]string{}
	for _, u := range list.Items {
		label := u.Name
		if p := props[u.PropertyID]; p != "" {
			label = p + " · " + u.Name
		}
		out = append(out, pick{u.ID, label})
		names[u.ID] = label
	}
	return out, names, nil
}

// seeOther sends the browser to the page a form's action leads to.
func seeOther(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

func idPath(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }
