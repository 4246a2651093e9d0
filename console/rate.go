package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"porter"
)

// Short-term rentals: seasonal rates (the Service's CreateRate, UpdateRate
// and DeleteRate, so property.rate_changed fires as from the API).

var rateLabels = map[string]string{"property_id": "Property", "unit_id": "Unit", "name": "Name", "start_date": "First night",
	"end_date": "Last night", "nightly_price": "Nightly price", "currency": "Currency", "min_stay": "Minimum stay",
	"weekday_adjustments": "Day-of-week adjustments"}

type ratesData struct {
	Items      []*porter.Rate
	Properties []pick
	Units      []pick
	PropName   map[int64]string
	UnitName   map[int64]string
	Scope      map[int64]string // by rate: the property or unit it prices
	PropertyID int64
	Priority   string
	Pager      pager
	Form       url.Values
	Error      string
}

func (c *Console) rates(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderRates(w, r, u, http.StatusOK, ratesData{Form: url.Values{"min_stay": {"1"}}})
}

func (c *Console) renderRates(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d ratesData) {
	pid, ok := queryRef(r, "property_id")
	if !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "property_id %q: want a property's id", r.URL.Query().Get("property_id")))
		return
	}
	f := porter.RateFilter{ListParams: listParams(r), PropertyID: pid}
	ctx := r.Context()
	list, err := c.svc.Rates(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, err = c.propertyChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Units, d.UnitName, err = c.unitChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Scope = map[int64]string{}
	for _, rt := range list.Items {
		d.Scope[rt.ID] = d.PropName[rt.PropertyID] + " (every unit)"
		if rt.UnitID != nil {
			d.Scope[rt.ID] = d.UnitName[*rt.UnitID]
		}
	}
	d.Items, d.PropertyID, d.Priority, d.Pager = list.Items, pid, porter.RatePriority, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "rates", view{Title: "Rates", Nav: "rates", User: u, Data: d})
}

// parseAdjustments reads "fri 20, sat 20" (or fri=20, fri:+20) into
// weekday_adjustments; the Service checks the days and percentages.
func parseAdjustments(s string, errs *formErrors) *map[string]int64 {
	s = strings.TrimSpace(s)
	out := map[string]int64{}
	if s == "" {
		return &out
	}
	for _, part := range strings.Split(s, ",") {
		f := strings.FieldsFunc(part, func(r rune) bool { return r == ' ' || r == '=' || r == ':' })
		if len(f) != 2 {
			errs.add("Day-of-week adjustments", fmt.Sprintf("%q: want a day and a percentage, such as fri 20", strings.TrimSpace(part)))
			return nil
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(f[1], "%"), 10, 64)
		if err != nil {
			errs.add("Day-of-week adjustments", fmt.Sprintf("%q: the percentage must be a whole number", f[1]))
			return nil
		}
		out[strings.ToLower(f[0])] = n
	}
	return &out
}

// Adjustments writes weekday_adjustments back as the form reads them, in
// week order.
func adjustments(m map[string]int64) string {
	var parts []string
	for _, d := range append(slices.Clone(porter.Weekdays[1:]), porter.Weekdays[0]) {
		if n, ok := m[d]; ok {
			parts = append(parts, d+" "+strconv.FormatInt(n, 10))
		}
	}
	return strings.Join(parts, ", ")
}

func (c *Console) createRate(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) { c.renderRates(w, r, u, status, ratesData{Form: r.PostForm, Error: msg}) }
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.RateInput{PropertyID: formID(v, "property_id", "Property", &errs), UnitID: formID(v, "unit_id", "Unit", &errs),
		Name: formText(v, "name"), StartDate: formText(v, "start_date"), EndDate: formText(v, "end_date"),
		NightlyPrice: formMoney(v, "nightly_price", "Nightly price", &errs), Currency: formText(v, "currency"),
		MinStay: formCount(v, "min_stay", "Minimum stay", &errs), WeekdayAdjustments: parseAdjustments(v.Get("weekday_adjustments"), &errs)}
	if in.PropertyID == nil && in.UnitID == nil && len(errs) == 0 {
		errs.add("Property", "is required: pick a property or a unit")
	}
	if in.NightlyPrice == nil && len(errs) == 0 {
		errs.add("Nightly price", "is required, such as 120.00")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	if _, err := c.svc.CreateRate(r.Context(), u.OrgID, in); err != nil {
		if status, msg, ok := strRefusal(err, rateLabels); ok {
			bad(status, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/rates")
}

type rateData struct {
	Rate   *porter.Rate
	Scope  string // the property or unit it prices
	Events []*porter.Event
	Form   url.Values
	Error  string
}

func (c *Console) rate(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderRate(w, r, u, id, http.StatusOK, rateData{})
}

func (c *Console) renderRate(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d rateData) {
	ctx := r.Context()
	rt, err := c.svc.Rate(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	p, err := c.svc.Property(ctx, u.OrgID, rt.PropertyID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Scope = p.Name + " (every unit)"
	if rt.UnitID != nil {
		un, err := c.svc.Unit(ctx, u.OrgID, *rt.UnitID)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.Scope = p.Name + " · " + un.Name
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "property", rt.PropertyID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Form == nil {
		d.Form = url.Values{"name": {rt.Name}, "start_date": {rt.StartDate}, "end_date": {rt.EndDate},
			"nightly_price": {rt.NightlyPrice.String()}, "currency": {rt.Currency}, "min_stay": {strconv.FormatInt(rt.MinStay, 10)},
			"weekday_adjustments": {adjustments(rt.WeekdayAdjustments)}}
	}
	d.Rate = rt
	c.render(w, status, "rate", view{Title: "Rate " + strconv.FormatInt(rt.ID, 10), Nav: "rates", User: u, Data: d})
}

func (c *Console) updateRate(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderRate(w, r, u, id, status, rateData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.RatePatch{Name: formTextAll(v, "name"), StartDate: formTextAll(v, "start_date"), EndDate: formTextAll(v, "end_date"),
		NightlyPrice: formMoney(v, "nightly_price", "Nightly price", &errs), Currency: formText(v, "currency"),
		MinStay: formCount(v, "min_stay", "Minimum stay", &errs), WeekdayAdjustments: parseAdjustments(v.Get("weekday_adjustments"), &errs)}
	if in.NightlyPrice == nil && len(errs) == 0 {
		errs.add("Nightly price", "is required, such as 120.00")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	if _, err := c.svc.UpdateRate(r.Context(), u.OrgID, id, in); err != nil {
		if status, msg, ok := strRefusal(err, rateLabels); ok {
			bad(status, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/rates/", id))
}

func (c *Console) deleteRate(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if err := c.svc.DeleteRate(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/rates")
}
