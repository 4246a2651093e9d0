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
	// Settings → Webhooks (admin) and the event catalog (everybody).
	c.mux.HandleFunc("GET /catalog", c.signedIn(needRead, c.catalog))
	c.mux.HandleFunc("GET /settings/webhooks", c.signedIn(needAdmin, c.webhooks))
	c.mux.HandleFunc("POST /settings/webhooks", c.signedIn(needAdmin, c.createWebhook))
	c.mux.HandleFunc("GET /settings/webhooks/{id}", c.signedIn(needAdmin, c.webhook))
	c.mux.HandleFunc("POST /settings/webhooks/{id}", c.signedIn(needAdmin, c.updateWebhook))
	c.mux.HandleFunc("POST /settings/webhooks/{id}/enable", c.signedIn(needAdmin, c.setWebhookEnabled(true)))
	c.mux.HandleFunc("POST /settings/webhooks/{id}/disable", c.signedIn(needAdmin, c.setWebhookEnabled(false)))
	c.mux.HandleFunc("POST /settings/webhooks/{id}/delete", c.signedIn(needAdmin, c.deleteWebhook))
	c.mux.HandleFunc("POST /settings/webhooks/{id}/rotate", c.signedIn(needAdmin, c.rotateWebhookSecret))
	c.mux.HandleFunc("POST /settings/webhooks/{id}/test", c.signedIn(needAdmin, c.testWebhook))
	c.mux.HandleFunc("POST /settings/webhooks/{id}/recover", c.signedIn(needAdmin, c.recoverWebhook))
	c.mux.HandleFunc("GET /settings/webhooks/{id}/deliveries", polled(c.signedIn(needAdmin, c.deliveriesFragment)))
	c.mux.HandleFunc("GET /settings/webhooks/{id}/deliveries/{did}", c.signedIn(needAdmin, c.delivery))
	c.mux.HandleFunc("GET /settings/webhooks/{id}/deliveries/{did}/live", polled(c.signedIn(needAdmin, c.deliveryLive)))
	c.mux.HandleFunc("POST /settings/webhooks/{id}/deliveries/{did}/replay", c.signedIn(needAdmin, c.replayDelivery))
	// Anything else under the console's paths is a console 404 page.
	c.mux.HandleFunc("/", c.signedIn(needRead, func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		c.notFound(w, r, u)
	}))
}
