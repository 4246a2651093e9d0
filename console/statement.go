package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

// Short-term rentals: owner statements. The pages call the Service as
// /v1/statements does; "Draw up" is POST /v1/owners/{id}/statements.

var statementLabels = map[string]string{"owner_id": "Owner", "month": "Month"}

type statementsData struct {
	Items     []*porter.Statement
	Owners    []pick
	Filter    porter.StatementFilter
	LastMonth string // the default of the draw-up form: the last month that has ended
	Pager     pager
	Form      url.Values
	Error     string
	Notice    string
}

func (c *Console) statements(w http.ResponseWriter, r *http.Request, u *porter.User) {
	d := statementsData{Form: url.Values{"owner_id": {r.URL.Query().Get("owner_id")}}}
	if r.URL.Query().Get("none") != "" {
		d.Notice = "That owner has nothing to show for the month: no statement was drawn up."
	}
	c.renderStatements(w, r, u, http.StatusOK, d)
}

// monthQuery checks a YYYY-MM filter of a list page's URL.
func monthQuery(r *http.Request) (string, error) {
	m := r.URL.Query().Get("month")
	if m == "" {
		return "", nil
	}
	if _, err := porter.ParseMonth(m); err != nil {
		return "", porter.Errorf(porter.EINVALID, "month %s", err)
	}
	return m, nil
}

func (c *Console) renderStatements(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d statementsData) {
	f := porter.StatementFilter{ListParams: listParams(r)}
	err := refQueries(r, map[string]*int64{"owner_id": &f.OwnerID})
	if err == nil {
		f.Month, err = monthQuery(r)
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	list, err := c.svc.Statements(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Owners, err = c.ownerChoices(r, u); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.LastMonth = c.svc.Now().UTC().AddDate(0, 0, -c.svc.Now().UTC().Day()).Format("2006-01")
	if d.Form.Get("month") == "" {
		d.Form.Set("month", d.LastMonth)
	}
	d.Items, d.Filter, d.Pager = list.Items, f, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "statements", view{Title: "Owner statements", Nav: "statements", User: u, Data: d})
}

// generateStatements draws up an owner's statements of a month that has
// ended (one per currency); drawn up already, it shows them as they are.
func (c *Console) generateStatements(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderStatements(w, r, u, status, statementsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	var errs formErrors
	owner := formID(r.PostForm, "owner_id", "Owner", &errs)
	if owner == nil && len(errs) == 0 {
		errs.add("Owner", "is required: pick one")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	sts, _, err := c.svc.GenerateStatements(r.Context(), u.OrgID, *owner, porter.StatementInput{Month: formText(r.PostForm, "month")})
	if porter.ErrorCode(err) == porter.ENOTFOUND {
		// An owner that is not the organization's is a bad choice in the
		// form, not a missing page.
		bad(http.StatusBadRequest, "Owner is not a valid choice.")
		return
	}
	if status, msg, ok := strRefusal(err, statementLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	switch len(sts) {
	case 0:
		seeOther(w, r, "/statements?none=1&owner_id="+strconv.FormatInt(*owner, 10))
	case 1:
		seeOther(w, r, idPath("/statements/", sts[0].ID))
	default:
		seeOther(w, r, "/statements?owner_id="+strconv.FormatInt(*owner, 10)+"&month="+url.QueryEscape(sts[0].Month))
	}
}

type statementData struct {
	Statement *porter.Statement
	Events    []*porter.Event // owner.statement_ready
}

func (c *Console) statement(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	st, err := c.svc.Statement(r.Context(), u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	events, err := c.svc.ResourceEvents(r.Context(), u.OrgID, "statement", id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	title := fmt.Sprintf("Statement %s · %s", st.Month, st.OwnerName)
	c.render(w, http.StatusOK, "statement", view{Title: title, Nav: "statements", User: u, Data: statementData{Statement: st, Events: events}})
}

// statementDocument downloads a statement as the API renders it, as an
// attachment named after the owner-month.
func (c *Console) statementDocument(format, contentType string) func(http.ResponseWriter, *http.Request, *porter.User) {
	return func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		id, ok := pathID(r, "id")
		if !ok {
			c.notFound(w, r, u)
			return
		}
		st, b, err := c.svc.StatementDocument(r.Context(), u.OrgID, id, format)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		name := fmt.Sprintf("statement-%d-%s-%s.%s", st.ID, st.Month, st.Currency, format)
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(name))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}
}
