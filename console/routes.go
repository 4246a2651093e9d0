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
	// Operations: work orders, inspections, vendors, staff, documents, broadcasts.
	c.mux.HandleFunc("GET /work-orders", c.signedIn(needRead, c.workOrders))
	c.mux.HandleFunc("POST /work-orders", c.signedIn(needWrite, c.createWorkOrder))
	c.mux.HandleFunc("GET /work-orders/{id}", c.signedIn(needRead, c.workOrder))
	c.mux.HandleFunc("POST /work-orders/{id}", c.signedIn(needWrite, c.updateWorkOrder))
	c.mux.HandleFunc("POST /work-orders/{id}/{action}", c.signedIn(needWrite, c.workOrderAction))
	c.mux.HandleFunc("GET /inspections", c.signedIn(needRead, c.inspections))
	c.mux.HandleFunc("POST /inspections", c.signedIn(needWrite, c.createInspection))
	c.mux.HandleFunc("GET /inspections/{id}", c.signedIn(needRead, c.inspection))
	c.mux.HandleFunc("POST /inspections/{id}/items", c.signedIn(needWrite, c.addInspectionItem))
	c.mux.HandleFunc("POST /inspections/{id}/items/{item}", c.signedIn(needWrite, c.recordInspectionItem))
	c.mux.HandleFunc("POST /inspections/{id}/{action}", c.signedIn(needWrite, c.inspectionAction))
	c.mux.HandleFunc("GET /vendors", c.signedIn(needRead, c.vendors))
	c.mux.HandleFunc("POST /vendors", c.signedIn(needWrite, c.createVendor))
	c.mux.HandleFunc("GET /vendors/{id}", c.signedIn(needRead, c.vendor))
	c.mux.HandleFunc("POST /vendors/{id}", c.signedIn(needWrite, c.updateVendor))
	c.mux.HandleFunc("GET /staff", c.signedIn(needRead, c.staffList))
	c.mux.HandleFunc("POST /staff", c.signedIn(needWrite, c.createStaff))
	c.mux.HandleFunc("GET /staff/{id}", c.signedIn(needRead, c.staffMember))
	c.mux.HandleFunc("POST /staff/{id}", c.signedIn(needWrite, c.updateStaff))
	c.mux.HandleFunc("GET /documents", c.signedIn(needRead, c.documents))
	c.mux.HandleFunc("POST /documents", c.signedIn(needWrite, c.uploadDocument))
	c.mux.HandleFunc("GET /documents/{id}", c.signedIn(needRead, c.document))
	c.mux.HandleFunc("GET /documents/{id}/download", c.signedIn(needRead, c.downloadDocument))
	c.mux.HandleFunc("GET /broadcasts", c.signedIn(needRead, c.broadcasts))
	c.mux.HandleFunc("POST /broadcasts", c.signedIn(needWrite, c.sendBroadcast))
	c.mux.HandleFunc("GET /broadcasts/{id}", c.signedIn(needRead, c.broadcast))
	// Anything else under the console's paths is a console 404 page.
	c.mux.HandleFunc("/", c.signedIn(needRead, func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		c.notFound(w, r, u)
	}))
}
