package console

import (
	"net/http"
	"strconv"

	"porter"
	porterhttp "porter/http"
)

type documentsData struct {
	Items   []*porter.Document
	Scope   string
	ScopeID int64
	Scopes  []string
	MaxMB   int64
	Pager   pager
	Error   string
}

func (c *Console) documents(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderDocuments(w, r, u, http.StatusOK, "")
}

func (c *Console) renderDocuments(w http.ResponseWriter, r *http.Request, u *porter.User, status int, msg string) {
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.DocumentFilter{ListParams: listParams(r), Scope: r.URL.Query().Get("scope")}
	err := opsOneOf("scope", f.Scope, porter.DocumentScopes...)
	if err == nil {
		f.ScopeID, err = opsQueryID(r, "scope_id")
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	list, err := c.svc.Documents(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	limit := c.cfg.MaxUploadBytes
	if limit <= 0 {
		limit = porterhttp.DefaultMaxUploadBytes
	}
	d := documentsData{Items: list.Items, Scope: f.Scope, ScopeID: f.ScopeID, Scopes: porter.DocumentScopes,
		MaxMB: (limit + 1<<20 - 1) >> 20, Pager: newPager(r, f.ListParams, list.Total), Error: msg}
	c.render(w, status, "documents", view{Title: "Documents", Nav: "documents", User: u, Data: d})
}

// uploadDocument stores an upload through the API's own code (the same
// limit, type sniffing and storage) and records it through the Service.
// With htmx (which shows the upload's progress) success is an HX-Redirect;
// without, a 303 to the new document.
func (c *Console) uploadDocument(w http.ResponseWriter, r *http.Request, u *porter.User) {
	doc, err := c.files.Receive(w, r, c.svc, u.OrgID)
	if err != nil {
		switch e, _ := err.(*porter.Error); {
		case e != nil && e.Code == porter.ETOOLARGE:
			c.renderDocuments(w, r, u, http.StatusRequestEntityTooLarge, "file: "+e.Message)
		case e != nil && e.Code == porterhttp.UnsupportedMedia:
			c.renderDocuments(w, r, u, http.StatusUnsupportedMediaType, "The upload must be sent as a multipart form (enctype multipart/form-data).")
		default:
			if msg, ok := opsBadInput(err); ok {
				c.renderDocuments(w, r, u, http.StatusBadRequest, msg)
				return
			}
			c.fail(w, r, u, err)
		}
		return
	}
	to := "/documents/" + strconv.FormatInt(doc.ID, 10)
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusOK)
		return
	}
	seeOther(w, r, to)
}

type documentData struct {
	D         *porter.Document
	ScopeHref string
	Events    []*porter.Event
}

// documentScopePaths are the console pages of the records a document belongs to.
var documentScopePaths = map[string]string{"property": "/properties/", "unit": "/units/", "tenant": "/tenants/",
	"lease": "/leases/", "work_order": "/work-orders/"}

func (c *Console) document(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	doc, err := c.svc.Document(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := documentData{D: doc, ScopeHref: documentScopePaths[doc.Scope] + strconv.FormatInt(doc.ScopeID, 10)}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "document", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, http.StatusOK, "document", view{Title: doc.Title, Nav: "documents", User: u, Data: d})
}

// downloadDocument sends the file as the API does: an attachment, with the
// type sniffed at upload and nosniff.
func (c *Console) downloadDocument(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	doc, err := c.svc.Document(r.Context(), u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if err := c.files.Serve(w, r, u.OrgID, doc); err != nil {
		c.fail(w, r, u, err)
	}
}
