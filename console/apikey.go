package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"porter"
)

type apiKeysData struct {
	Keys   []*porter.APIKey
	Groups []scopeGroup
	NewKey string
	Error  string
}

// scopeGroup is one row of the scope picker: a resource's read and write
// scopes side by side (either may be absent).
type scopeGroup struct {
	Resource    string
	Read, Write *porter.Scope
}

// scopeGroups arranges the scope catalog by resource, in catalog order.
func scopeGroups() []scopeGroup {
	var out []scopeGroup
	at := map[string]int{}
	for i := range porter.Scopes {
		sc := &porter.Scopes[i]
		res, access, _ := strings.Cut(sc.Name, ":")
		j, ok := at[res]
		if !ok {
			j = len(out)
			at[res] = j
			out = append(out, scopeGroup{Resource: res})
		}
		if access == "write" {
			out[j].Write = sc
		} else {
			out[j].Read = sc
		}
	}
	return out
}

func (c *Console) apiKeys(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderAPIKeys(w, r, u, http.StatusOK, apiKeysData{})
}

func (c *Console) renderAPIKeys(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d apiKeysData) {
	keys, err := c.svc.APIKeys(r.Context(), u.OrgID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Keys, d.Groups = keys, scopeGroups()
	c.render(w, status, "apikeys", view{Title: "API keys", Nav: "settings", User: u, Data: d})
}

// createAPIKey generates a key through the same Service call as
// 'porter key create'; its text is shown on this one response only.
func (c *Console) createAPIKey(w http.ResponseWriter, r *http.Request, u *porter.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		c.renderAPIKeys(w, r, u, http.StatusBadRequest, apiKeysData{Error: "The form could not be read."})
		return
	}
	in := porter.APIKeyInput{Name: strings.TrimSpace(r.PostForm.Get("name")), Scopes: r.PostForm["scope"]}
	bad := func(msg string) { c.renderAPIKeys(w, r, u, http.StatusBadRequest, apiKeysData{Error: msg}) }
	if in.Name == "" {
		bad("Name: give the key a name, e.g. Zapier.")
		return
	}
	for _, s := range in.Scopes {
		if !porter.ValidScope(s) {
			bad("Scope " + strconv.Quote(s) + " is not in the scope catalog.")
			return
		}
	}
	if v := strings.TrimSpace(r.PostForm.Get("expires_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			bad("Expires in days: a whole number from 1 to 3650, or empty for never.")
			return
		}
		t := c.svc.Now().UTC().Add(time.Duration(n) * 24 * time.Hour).Truncate(time.Second)
		in.ExpiresAt = &t
	}
	if v := strings.TrimSpace(r.PostForm.Get("rate_limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000000 {
			bad("Rate limit: a whole number of requests per minute from 1 to 1000000, or empty for the server's default.")
			return
		}
		in.RateLimit = n
	}
	text, _, err := c.svc.CreateAPIKey(r.Context(), u.OrgID, in)
	if err != nil {
		if e, ok := err.(*porter.Error); ok && e.Code == porter.EINVALID {
			bad(e.Message)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	c.renderAPIKeys(w, r, u, http.StatusOK, apiKeysData{NewKey: text})
}

func (c *Console) revokeAPIKey(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.notFound(w, r, u)
		return
	}
	if err := c.svc.RevokeAPIKey(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/settings/api-keys", http.StatusSeeOther)
}
