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
	// Portfolio: properties, units, tenants, leases, charges, payments.
	c.mux.HandleFunc("POST /properties", c.signedIn(needWrite, c.createProperty))
	c.mux.HandleFunc("POST /properties/{id}", c.signedIn(needWrite, c.updateProperty))
	c.mux.HandleFunc("POST /properties/{id}/archive", c.signedIn(needWrite, c.archiveProperty))
	c.mux.HandleFunc("GET /units", c.signedIn(needRead, c.units))
	c.mux.HandleFunc("POST /units", c.signedIn(needWrite, c.createUnit))
	c.mux.HandleFunc("GET /units/{id}", c.signedIn(needRead, c.unit))
	c.mux.HandleFunc("POST /units/{id}", c.signedIn(needWrite, c.updateUnit))
	c.mux.HandleFunc("GET /tenants", c.signedIn(needRead, c.tenants))
	c.mux.HandleFunc("POST /tenants", c.signedIn(needWrite, c.inviteTenant))
	c.mux.HandleFunc("GET /tenants/{id}", c.signedIn(needRead, c.tenant))
	c.mux.HandleFunc("POST /tenants/{id}", c.signedIn(needWrite, c.updateTenant))
	c.mux.HandleFunc("POST /tenants/{id}/resend-invitation", c.signedIn(needWrite, c.resendInvitation))
	c.mux.HandleFunc("GET /leases", c.signedIn(needRead, c.leases))
	c.mux.HandleFunc("POST /leases", c.signedIn(needWrite, c.createLease))
	c.mux.HandleFunc("GET /leases/{id}", c.signedIn(needRead, c.lease))
	c.mux.HandleFunc("POST /leases/{id}", c.signedIn(needWrite, c.leaseAction(c.editLease)))
	c.mux.HandleFunc("POST /leases/{id}/activate", c.signedIn(needWrite, c.leaseAction(c.activateLease)))
	c.mux.HandleFunc("POST /leases/{id}/renew", c.signedIn(needWrite, c.leaseAction(c.renewLease)))
	c.mux.HandleFunc("POST /leases/{id}/terminate", c.signedIn(needWrite, c.leaseAction(c.terminateLease)))
	c.mux.HandleFunc("GET /charges", c.signedIn(needRead, c.charges))
	c.mux.HandleFunc("POST /charges", c.signedIn(needWrite, c.createCharge))
	c.mux.HandleFunc("GET /charges/{id}", c.signedIn(needRead, c.charge))
	c.mux.HandleFunc("POST /charges/{id}", c.signedIn(needWrite, c.updateCharge))
	c.mux.HandleFunc("POST /charges/{id}/void", c.signedIn(needWrite, c.voidCharge))
	c.mux.HandleFunc("GET /payments", c.signedIn(needRead, c.payments))
	c.mux.HandleFunc("POST /payments", c.signedIn(needWrite, c.recordPayment))
	c.mux.HandleFunc("GET /payments/{id}", c.signedIn(needRead, c.payment))
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
