package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

// Short-term rentals: tourist tax reports and the rules they apply. The
// pages call the Service as /v1/tax_reports and /v1/tax_rules do.

var taxLabels = map[string]string{"month": "Month", "property_id": "Property", "per_guest_night": "Per guest per night",
	"percent": "Percent of accommodation", "max_nights": "Nights taxed per stay"}

type taxReportsData struct {
	Items      []*porter.TaxReport
	Properties []pick
	PropName   map[int64]string
	Rules      []*porter.TaxRule
	Filter     porter.TaxReportFilter
	LastMonth  string
	Pager      pager
	Form       url.Values
	Error      string
	RuleForm   url.Values
	RuleError  string
	Notice     string
}

// RuleProperty names a rule's property, "Every property (default)" for 0.
func (d taxReportsData) RuleProperty(id int64) string {
	if id == 0 {
		return "Every property (default)"
	}
	if n, ok := d.PropName[id]; ok {
		return n
	}
	return "Property " + strconv.FormatInt(id, 10)
}

func (c *Console) taxReports(w http.ResponseWriter, r *http.Request, u *porter.User) {
	d := taxReportsData{Form: url.Values{}}
	if r.URL.Query().Get("none") != "" {
		d.Notice = "No stays in that month: no report was drawn up."
	}
	c.renderTaxReports(w, r, u, http.StatusOK, d)
}

func (c *Console) renderTaxReports(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d taxReportsData) {
	f := porter.TaxReportFilter{ListParams: listParams(r)}
	err := refQueries(r, map[string]*int64{"property_id": &f.PropertyID})
	if err == nil {
		f.Month, err = monthQuery(r)
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	ctx := r.Context()
	list, err := c.svc.TaxReports(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, err = c.propertyChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Rules, err = c.svc.TaxRules(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	now := c.svc.Now().UTC()
	d.LastMonth = now.AddDate(0, 0, -now.Day()).Format("2006-01")
	if d.Form == nil {
		d.Form = url.Values{}
	}
	if d.Form.Get("month") == "" {
		d.Form.Set("month", d.LastMonth)
	}
	if d.RuleForm == nil {
		d.RuleForm = url.Values{}
	}
	d.Items, d.Filter, d.Pager = list.Items, f, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "taxreports", view{Title: "Tax reports", Nav: "tax-reports", User: u, Data: d})
}

// generateTaxReports draws up a month's reports, of one property or all;
// reports drawn up already are shown as they are.
func (c *Console) generateTaxReports(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderTaxReports(w, r, u, status, taxReportsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	var errs formErrors
	in := porter.TaxReportInput{Month: formText(r.PostForm, "month"), PropertyID: formID(r.PostForm, "property_id", "Property", &errs)}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	rs, _, err := c.svc.GenerateTaxReports(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, taxLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	switch {
	case len(rs) == 0:
		seeOther(w, r, "/tax-reports?none=1")
	case in.PropertyID != nil:
		seeOther(w, r, taxReportPath(rs[0]))
	default:
		seeOther(w, r, "/tax-reports?month="+url.QueryEscape(rs[0].Month))
	}
}

func taxReportPath(t *porter.TaxReport) string {
	return fmt.Sprintf("/tax-reports/%d/%s", t.PropertyID, t.Month)
}

// setTaxRule sets the organization's default rule or a property's.
func (c *Console) setTaxRule(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderTaxReports(w, r, u, status, taxReportsData{RuleForm: r.PostForm, RuleError: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.TaxRuleInput{PropertyID: formID(v, "property_id", "Property", &errs),
		PerGuestNight: formMoney(v, "per_guest_night", "Per guest per night", &errs), MaxNights: formCount(v, "max_nights", "Nights taxed per stay", &errs)}
	if p := formDecimal(v, "percent", "Percent of accommodation", &errs); p != nil {
		pc := porter.Percent(*p)
		in.Percent = &pc
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	_, err := c.svc.SetTaxRule(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, taxLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/tax-reports#rules")
}

type taxReportData struct {
	Property *porter.Property
	Month    string
	Reports  []*porter.TaxReport
}

// taxReport is a property's reports of a month, one per currency its
// stays were priced in (usually one).
func (c *Console) taxReport(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "property")
	month := r.PathValue("month")
	if _, err := porter.ParseMonth(month); !ok || err != nil {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	p, err := c.svc.Property(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	list, err := c.svc.TaxReports(ctx, u.OrgID, porter.TaxReportFilter{ListParams: pickAll, PropertyID: id, Month: month})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if len(list.Items) == 0 {
		c.notFound(w, r, u)
		return
	}
	d := taxReportData{Property: p, Month: month, Reports: list.Items}
	c.render(w, http.StatusOK, "taxreport", view{Title: "Tax report " + month + " · " + p.Name, Nav: "tax-reports", User: u, Data: d})
}
