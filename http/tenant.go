package http

import (
	"html/template"
	"net/http"
	"strings"

	"porter"
)

type (
	tenantView  = porter.Tenant
	tenantInput = porter.TenantInput
)

// seedTenantRequest is POST /api/action_create_tenant.php's body.
type seedTenantRequest struct {
	Email     *string `json:"email"`
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	Phone     *string `json:"phone"`
}

func (s *Server) handleSeedCreateTenant() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[seedTenantRequest](s, w, r)
		if err != nil {
			return err
		}
		t, err := s.svc.CreateTenant(answering(r, func(t *porter.Tenant) any { return map[string]any{"tenant": t} }), orgID(r), porter.TenantInput(in))
		if err != nil {
			return err
		}
		return encode(w, r, map[string]any{"tenant": t})
	}
}

func (s *Server) handleListTenants() handlerFunc {
	return listOf(s, func(q *query) porter.TenantFilter {
		return porter.TenantFilter{ListParams: q.list(), Status: q.str("status", porter.TenantInvited, porter.TenantActive), Email: strings.ToLower(q.str("email")), Search: q.str("search")}
	}, s.svc.Tenants)
}

var acceptPage = template.Must(template.New("accept").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accept your invitation</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;box-sizing:border-box}input{padding:.5rem;margin:.25rem 0 1rem}
button{padding:.6rem;background:#1f5f8b;color:#fff;border:0;border-radius:4px}.error{color:#a00}</style></head>
<body>
{{if .Done}}<h1>Welcome, {{.Tenant.FirstName}}</h1><p>Your password is set and your account is active.</p>
{{else if .Invalid}}<h1>Invitation not valid</h1><p class="error">{{.Error}}</p>
{{else}}<h1>Welcome, {{.Tenant.FirstName}}</h1><p>Set a password for {{.Tenant.Email}} to activate your resident portal.</p>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
<form method="post" action="/accept-invite.php">
<input type="hidden" name="token" value="{{.Token}}">
<label for="password">Password (at least 8 characters)</label>
<input id="password" name="password" type="password" minlength="8" required autocomplete="new-password">
<button type="submit">Activate my account</button>
</form>{{end}}
</body></html>`))

type acceptData struct {
	Token   string
	Tenant  *porter.Tenant
	Done    bool
	Invalid bool
	Error   string
}

func (s *Server) renderAccept(w http.ResponseWriter, status int, d acceptData) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	return acceptPage.Execute(w, d)
}

func (s *Server) handleAcceptPage() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := r.URL.Query().Get("token")
		_, t, err := s.svc.InvitedTenant(r.Context(), token)
		if err != nil {
			if porter.ErrorCode(err) != porter.ENOTFOUND {
				return err
			}
			return s.renderAccept(w, http.StatusNotFound, acceptData{Invalid: true, Error: porter.ErrorMessage(err)})
		}
		return s.renderAccept(w, http.StatusOK, acceptData{Token: token, Tenant: t})
	}
}

// acceptForm documents the form the invitation page posts.
type acceptForm struct {
	Token    string `json:"token" doc:"The invitation token"`
	Password string `json:"password" doc:"The new password, at least 8 characters"`
}

func (s *Server) handleAccept() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			return porter.Errorf(porter.EINVALID, "could not read the form")
		}
		token, password := r.PostForm.Get("token"), r.PostForm.Get("password")
		if _, _, err := s.svc.InvitedTenant(r.Context(), token); err != nil {
			if porter.ErrorCode(err) != porter.ENOTFOUND {
				return err
			}
			return s.renderAccept(w, http.StatusNotFound, acceptData{Invalid: true, Error: porter.ErrorMessage(err)})
		}
		t, err := s.svc.AcceptInvite(r.Context(), token, password)
		switch porter.ErrorCode(err) {
		case "":
			return s.renderAccept(w, http.StatusOK, acceptData{Done: true, Tenant: t})
		case porter.EINVALID:
			_, t, _ = s.svc.InvitedTenant(r.Context(), token)
			return s.renderAccept(w, http.StatusBadRequest, acceptData{Token: token, Tenant: t, Error: porter.ErrorMessage(err)})
		case porter.ENOTFOUND:
			return s.renderAccept(w, http.StatusNotFound, acceptData{Invalid: true, Error: porter.ErrorMessage(err)})
		}
		return err
	}
}
