package console

import (
	"io/fs"
	"net/http"

	"porter"
)

func (c *Console) routes() {
	static, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(static)
	c.mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})))
	c.mux.HandleFunc("GET /login", c.loginPage)
	c.mux.HandleFunc("POST /login", c.login)
	c.mux.HandleFunc("POST /logout", c.logout)
	c.mux.HandleFunc("GET /{$}", c.signedIn(needRead, c.dashboard))
	c.mux.HandleFunc("GET /properties", c.signedIn(needRead, c.properties))
	c.mux.HandleFunc("GET /properties/{id}", c.signedIn(needRead, c.property))
	c.mux.HandleFunc("GET /settings/api-keys", c.signedIn(needAdmin, c.apiKeys))
	c.mux.HandleFunc("POST /settings/api-keys", c.signedIn(needAdmin, c.createAPIKey))
	c.mux.HandleFunc("POST /settings/api-keys/{id}/revoke", c.signedIn(needAdmin, c.revokeAPIKey))
	// Settings → Users (admin area).
	c.mux.HandleFunc("GET /settings/users", c.signedIn(needAdmin, c.users))
	c.mux.HandleFunc("POST /settings/users", c.signedIn(needAdmin, c.inviteUser))
	c.mux.HandleFunc("POST /settings/users/{id}/role", c.signedIn(needAdmin, c.changeUser(setRole)))
	c.mux.HandleFunc("POST /settings/users/{id}/deactivate", c.signedIn(needAdmin, c.changeUser(deactivate)))
	c.mux.HandleFunc("POST /settings/users/{id}/reactivate", c.signedIn(needAdmin, c.changeUser(reactivate)))
	// Anything else under the console's paths is a console 404 page.
	c.mux.HandleFunc("/", c.signedIn(needRead, func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		c.notFound(w, r, u)
	}))
}
