package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

type staffListData struct {
	Items []*porter.Staff
	Role  string
	Roles []string
	Pager pager
	Form  url.Values
	Error string
}

func (c *Console) staffList(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderStaffList(w, r, u, http.StatusOK, url.Values{"role": {"manager"}}, "")
}

func (c *Console) renderStaffList(w http.ResponseWriter, r *http.Request, u *porter.User, status int, form url.Values, msg string) {
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.StaffFilter{ListParams: listParams(r), Role: r.URL.Query().Get("role")}
	list, err := c.svc.StaffList(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := staffListData{Items: list.Items, Role: f.Role, Roles: porter.StaffRoles, Pager: newPager(r, f.ListParams, list.Total), Form: form, Error: msg}
	c.render(w, status, "stafflist", view{Title: "Staff", Nav: "staff", User: u, Data: d})
}

func staffInput(form url.Values) porter.StaffInput {
	return porter.StaffInput{Name: opsText(form, "name"), Email: opsText(form, "email"), Phone: opsText(form, "phone"), Role: opsText(form, "role")}
}

func (c *Console) createStaff(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	m, err := c.svc.CreateStaff(r.Context(), u.OrgID, staffInput(r.PostForm))
	if err != nil {
		if msg, ok := opsBadInput(err); ok {
			c.renderStaffList(w, r, u, http.StatusBadRequest, r.PostForm, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/staff/"+strconv.FormatInt(m.ID, 10))
}

type staffData struct {
	M      *porter.Staff
	Roles  []string
	Form   url.Values
	Error  string
	Events []*porter.Event
}

func (c *Console) staffMember(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderStaff(w, r, u, id, http.StatusOK, nil, "")
}

func (c *Console) renderStaff(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, form url.Values, msg string) {
	ctx := r.Context()
	m, err := c.svc.Staff(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if form == nil {
		form = url.Values{"name": {m.Name}, "email": {m.Email}, "phone": {m.Phone}, "role": {m.Role}}
	}
	d := staffData{M: m, Roles: porter.StaffRoles, Form: form, Error: msg}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "staff", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, status, "staff", view{Title: m.Name, Nav: "staff", User: u, Data: d})
}

func (c *Console) updateStaff(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if _, err := c.svc.UpdateStaff(r.Context(), u.OrgID, id, staffInput(r.PostForm)); err != nil {
		if msg, ok := opsBadInput(err); ok {
			c.renderStaff(w, r, u, id, http.StatusBadRequest, r.PostForm, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/staff/"+strconv.FormatInt(id, 10))
}
