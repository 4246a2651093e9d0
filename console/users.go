package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"porter"
)

// usersData is the Settings → Users page: the organization's users, the
// invite form (kept filled after an error) and a new user's password,
// shown on this one response only.
type userRow struct {
	*porter.User
	Staff *porter.Staff // the linked staff record, when among Staff
}

type usersData struct {
	Users       []userRow
	Staff       []*porter.Staff
	Roles       []string
	Me          int64
	Error       string
	Email, Role string
	StaffID     int64
	NewUser     *porter.User
	NewPassword string
}

func (c *Console) users(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderUsers(w, r, u, http.StatusOK, usersData{})
}

func (c *Console) renderUsers(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d usersData) {
	ctx := r.Context()
	users, err := c.svc.Users(ctx, u.OrgID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	// The select offers the newest MaxPerPage staff records; a user linked
	// to an older one still shows its id.
	staff, err := c.svc.StaffList(ctx, u.OrgID, porter.StaffFilter{ListParams: porter.ListParams{Page: 1, PerPage: porter.MaxPerPage}})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Staff, d.Roles, d.Me = staff.Items, porter.Roles, u.ID
	byID := make(map[int64]*porter.Staff, len(staff.Items))
	for _, s := range staff.Items {
		byID[s.ID] = s
	}
	for _, us := range users {
		row := userRow{User: us}
		if us.StaffID != nil {
			row.Staff = byID[*us.StaffID]
		}
		d.Users = append(d.Users, row)
	}
	if d.Role == "" {
		d.Role = porter.RoleViewer
	}
	c.render(w, status, "users", view{Title: "Users", Nav: "settings", User: u, Data: d})
}

// inviteUser creates a user through the same Service call as 'porter user
// create' without --password-stdin: a generated password, shown once.
func (c *Console) inviteUser(w http.ResponseWriter, r *http.Request, u *porter.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		c.renderUsers(w, r, u, http.StatusBadRequest, usersData{Error: "The form could not be read."})
		return
	}
	d := usersData{Email: strings.TrimSpace(r.PostForm.Get("email")), Role: r.PostForm.Get("role")}
	bad := func(status int, msg string) {
		d.Error = msg
		c.renderUsers(w, r, u, status, d)
	}
	if d.Email == "" {
		bad(http.StatusBadRequest, "Email: enter the address the person signs in with.")
		return
	}
	in := porter.UserInput{Email: d.Email, Role: d.Role, Password: porter.NewPassword()}
	if v := r.PostForm.Get("staff_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			bad(http.StatusBadRequest, "Staff record: choose one from the list, or none.")
			return
		}
		d.StaffID, in.StaffID = id, &id
	}
	nu, err := c.svc.CreateUser(r.Context(), u.OrgID, in)
	if err != nil {
		var e *porter.Error
		if errors.As(err, &e) {
			switch e.Code {
			case porter.EINVALID:
				bad(http.StatusBadRequest, e.Message)
				return
			case porter.ENOTFOUND:
				bad(http.StatusBadRequest, "Staff record: there is no such staff record in this organization.")
				return
			case porter.ECONFLICT:
				bad(http.StatusConflict, "Email: a user with this email already exists in this organization.")
				return
			}
		}
		c.fail(w, r, u, err)
		return
	}
	c.logger.Info("console: user invited", "org", u.OrgID, "user", nu.ID, "role", nu.Role, "by", u.ID)
	c.renderUsers(w, r, u, http.StatusOK, usersData{NewUser: nu, NewPassword: in.Password})
}

// changeUser runs one change (role, deactivate, reactivate) on a user of
// the signed-in admin's organization and goes back to the list; the last
// active admin's refusal is a 409 on the list, saying why.
func (c *Console) changeUser(fn func(c *Console, r *http.Request, org, id int64) (*porter.User, error)) func(http.ResponseWriter, *http.Request, *porter.User) {
	return func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		id, ok := pathID(r, "id")
		if !ok {
			c.notFound(w, r, u)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			c.renderUsers(w, r, u, http.StatusBadRequest, usersData{Error: "The form could not be read."})
			return
		}
		changed, err := fn(c, r, u.OrgID, id)
		if err != nil {
			var e *porter.Error
			if errors.As(err, &e) && (e.Code == porter.ECONFLICT || e.Code == porter.EINVALID) {
				status := http.StatusConflict
				if e.Code == porter.EINVALID {
					status = http.StatusBadRequest
				}
				c.renderUsers(w, r, u, status, usersData{Error: e.Message})
				return
			}
			c.fail(w, r, u, err)
			return
		}
		c.logger.Info("console: user changed", "org", u.OrgID, "user", changed.ID, "role", changed.Role,
			"active", changed.Active(), "by", u.ID)
		next := "/settings/users"
		if changed.ID == u.ID && !changed.Active() {
			next = "/login" // their own session has just ended
		} else if changed.ID == u.ID && !changed.CanAdmin() {
			next = "/" // no longer allowed on this page
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func setRole(c *Console, r *http.Request, org, id int64) (*porter.User, error) {
	return c.svc.SetUserRole(r.Context(), org, id, r.PostForm.Get("role"))
}

func deactivate(c *Console, r *http.Request, org, id int64) (*porter.User, error) {
	return c.svc.DeactivateUser(r.Context(), org, id)
}

func reactivate(c *Console, r *http.Request, org, id int64) (*porter.User, error) {
	return c.svc.ReactivateUser(r.Context(), org, id)
}
