package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

// Facilities: assets with their warranties and claims, and compliance
// certificates.

var assetLabels = map[string]string{"property_id": "Property", "unit_id": "Unit", "category_id": "Category", "category": "Category",
	"name": "Name", "make": "Make", "model": "Model", "serial": "Serial", "install_date": "Installed", "condition": "Condition",
	"location": "Location", "notes": "Notes", "external_ref": "External reference", "reason": "Reason", "provider": "Provider",
	"contact": "Contact", "policy_number": "Policy number", "start_date": "Start", "end_date": "End", "coverage": "Coverage",
	"description": "Description", "work_order_id": "Work order", "status": "Status", "type": "Type", "asset_id": "Asset",
	"reference": "Reference", "issuer": "Issuer", "issue_date": "Issued", "expiry_date": "Expires", "document_id": "Document"}

// categoryChoices lists the organization's asset categories for a select.
func (c *Console) categoryChoices(r *http.Request, u *porter.User) ([]pick, error) {
	cats, err := c.svc.AssetCategories(r.Context(), u.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]pick, 0, len(cats))
	for _, ct := range cats {
		out = append(out, pick{ct.ID, ct.Name})
	}
	return out, nil
}

type assetsData struct {
	Items      []*porter.Asset
	Pager      pager
	Properties []pick
	PropName   map[int64]string
	Categories []pick
	Conditions []string
	Statuses   []string
	Query      url.Values
	Form       url.Values
	Error      string
}

func (c *Console) assets(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderAssets(w, r, u, http.StatusOK, assetsData{Form: url.Values{}})
}

func (c *Console) renderAssets(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d assetsData) {
	ctx, q := r.Context(), r.URL.Query()
	prop, ok1 := queryRef(r, "property_id")
	cat, ok2 := queryRef(r, "category_id")
	if !ok1 || !ok2 {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "property_id and category_id must be ids"))
		return
	}
	f := porter.AssetFilter{ListParams: listParams(r), PropertyID: prop, CategoryID: cat, Condition: q.Get("condition"),
		Status: q.Get("status"), Search: q.Get("q")}
	list, err := c.svc.Assets(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, err = c.propertyChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Categories, err = c.categoryChoices(r, u); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Pager, d.Query = list.Items, newPager(r, f.ListParams, list.Total), q
	d.Conditions, d.Statuses = porter.AssetConditions, porter.AssetStatuses
	c.render(w, status, "assets", view{Title: "Assets", Nav: "assets", User: u, Data: d})
}

func (c *Console) createAsset(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderAssets(w, r, u, status, assetsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.AssetInput{PropertyID: formID(v, "property_id", "Property", &errs), CategoryID: formID(v, "category_id", "Category", &errs),
		Name: formText(v, "name"), Make: formText(v, "make"), Model: formText(v, "model"), Serial: formText(v, "serial"),
		InstallDate: formText(v, "install_date"), Condition: formText(v, "condition"), Location: formText(v, "location")}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	a, err := c.svc.CreateAsset(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, assetLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/assets/", a.ID))
}

// warrantyRow is a warranty with its claims.
type warrantyRow struct {
	*porter.Warranty
	Claims []*porter.WarrantyClaim
}

type assetData struct {
	Asset        *porter.Asset
	Place        string // the property, and the unit if any
	PropName     map[int64]string
	Properties   []pick
	Units        []pick
	UnitName     map[int64]string
	Warranties   []warrantyRow
	Certificates []*porter.Certificate
	ClaimMoves   map[string][]string
	Events       []*porter.Event
	Form         url.Values
	Error        string
}

// claimNext are the statuses a claim in each status can move to, for the
// buttons of the asset page.
var claimNext = map[string][]string{
	porter.ClaimOpen:      {porter.ClaimSubmitted, porter.ClaimClosed},
	porter.ClaimSubmitted: {porter.ClaimApproved, porter.ClaimRejected},
	porter.ClaimApproved:  {porter.ClaimClosed},
	porter.ClaimRejected:  {porter.ClaimClosed},
}

func (c *Console) asset(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderAsset(w, r, u, id, http.StatusOK, assetData{Form: url.Values{}})
}

func (c *Console) renderAsset(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d assetData) {
	ctx := r.Context()
	a, err := c.svc.Asset(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, err = c.propertyChoices(ctx, u.OrgID); err == nil {
		d.Units, d.UnitName, err = c.unitChoices(ctx, u.OrgID)
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	ws, err := c.svc.Warranties(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	for _, wt := range ws {
		claims, err := c.svc.WarrantyClaims(ctx, u.OrgID, wt.ID)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.Warranties = append(d.Warranties, warrantyRow{wt, claims})
	}
	certs, err := c.svc.Certificates(ctx, u.OrgID, porter.CertificateFilter{ListParams: pickAll, AssetID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "asset", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Asset, d.Certificates, d.ClaimMoves = a, certs.Items, claimNext
	d.Place = d.PropName[a.PropertyID]
	if a.UnitID != nil {
		d.Place = d.UnitName[*a.UnitID]
	}
	c.render(w, status, "asset", view{Title: a.Name, Nav: "assets", User: u, Data: d})
}

// assetAction runs one of the asset page's forms: it reads the posted
// form, hands it to do, and shows a refusal on the page or goes back to it.
func (c *Console) assetAction(do func(r *http.Request, u *porter.User, id int64, v url.Values, errs *formErrors) error) func(http.ResponseWriter, *http.Request, *porter.User) {
	return func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		id, ok := pathID(r, "id")
		if !ok {
			c.notFound(w, r, u)
			return
		}
		bad := func(status int, msg string) {
			c.renderAsset(w, r, u, id, status, assetData{Form: r.PostForm, Error: msg})
		}
		if msg, ok := readPostedForm(w, r); !ok {
			bad(http.StatusBadRequest, msg)
			return
		}
		var errs formErrors
		err := do(r, u, id, r.PostForm, &errs)
		if len(errs) > 0 {
			bad(http.StatusBadRequest, errs.String())
			return
		}
		if status, msg, ok := strRefusal(err, assetLabels); ok {
			bad(status, msg)
			return
		}
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		seeOther(w, r, idPath("/assets/", id))
	}
}

func (c *Console) transferAsset(r *http.Request, u *porter.User, id int64, v url.Values, errs *formErrors) error {
	in := porter.TransferInput{PropertyID: formID(v, "property_id", "Property", errs), UnitID: formID(v, "unit_id", "Unit", errs)}
	if in.UnitID == nil {
		in.UnitID = ptrTo(int64(0)) // no unit picked: the asset is at the property itself
	}
	if len(*errs) > 0 {
		return nil
	}
	_, err := c.svc.TransferAsset(r.Context(), u.OrgID, id, in)
	return err
}

func (c *Console) disposeAsset(r *http.Request, u *porter.User, id int64, v url.Values, _ *formErrors) error {
	_, err := c.svc.DisposeAsset(r.Context(), u.OrgID, id, porter.DisposeInput{Reason: formText(v, "reason")})
	return err
}

func (c *Console) addWarranty(r *http.Request, u *porter.User, id int64, v url.Values, _ *formErrors) error {
	_, err := c.svc.CreateWarranty(r.Context(), u.OrgID, id, porter.WarrantyInput{Provider: formText(v, "provider"),
		Contact: formText(v, "contact"), PolicyNumber: formText(v, "policy_number"), StartDate: formText(v, "start_date"),
		EndDate: formText(v, "end_date"), Coverage: formText(v, "coverage")})
	return err
}

// ownWarranty checks that the warranty a form names is one of the asset's.
func (c *Console) ownWarranty(r *http.Request, u *porter.User, assetID int64, v url.Values, errs *formErrors) int64 {
	wid := formID(v, "warranty_id", "Warranty", errs)
	if wid == nil {
		if len(*errs) == 0 {
			errs.add("Warranty", "is required: pick one")
		}
		return 0
	}
	wt, err := c.svc.Warranty(r.Context(), u.OrgID, *wid)
	if err != nil || wt.AssetID != assetID {
		errs.add("Warranty", "is not one of this asset's")
		return 0
	}
	return wt.ID
}

func (c *Console) openClaim(r *http.Request, u *porter.User, id int64, v url.Values, errs *formErrors) error {
	wid := c.ownWarranty(r, u, id, v, errs)
	wo := formID(v, "work_order_id", "Work order", errs)
	if len(*errs) > 0 {
		return nil
	}
	_, err := c.svc.OpenWarrantyClaim(r.Context(), u.OrgID, wid, porter.WarrantyClaimInput{Description: formText(v, "description"),
		WorkOrderID: wo, Notes: formText(v, "notes")})
	return err
}

func (c *Console) moveClaim(r *http.Request, u *porter.User, id int64, v url.Values, errs *formErrors) error {
	cid, err := strconv.ParseInt(r.PathValue("claim"), 10, 64)
	if err != nil || cid <= 0 {
		return porter.Errorf(porter.ENOTFOUND, "claim not found")
	}
	claim, err := c.svc.WarrantyClaim(r.Context(), u.OrgID, cid)
	if err != nil {
		return err
	}
	if wt, err := c.svc.Warranty(r.Context(), u.OrgID, claim.WarrantyID); err != nil || wt.AssetID != id {
		return porter.Errorf(porter.ENOTFOUND, "claim not found")
	}
	_, err = c.svc.UpdateWarrantyClaim(r.Context(), u.OrgID, cid, porter.WarrantyClaimInput{Status: formText(v, "status"), Notes: formText(v, "notes")})
	return err
}

func ptrTo[T any](v T) *T { return &v }

type certificatesData struct {
	Items      []*porter.Certificate
	Pager      pager
	Properties []pick
	PropName   map[int64]string
	Types      []string
	Query      url.Values
	Today      string
	Form       url.Values
	Error      string
}

func (c *Console) certificates(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderCertificates(w, r, u, http.StatusOK, certificatesData{Form: url.Values{}})
}

func (c *Console) renderCertificates(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d certificatesData) {
	ctx, q := r.Context(), r.URL.Query()
	prop, ok1 := queryRef(r, "property_id")
	asset, ok2 := queryRef(r, "asset_id")
	if !ok1 || !ok2 {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "property_id and asset_id must be ids"))
		return
	}
	f := porter.CertificateFilter{ListParams: listParams(r), PropertyID: prop, AssetID: asset, Type: q.Get("type"), Expiry: q.Get("expiry")}
	list, err := c.svc.Certificates(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, err = c.propertyChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Pager, d.Query, d.Types = list.Items, newPager(r, f.ListParams, list.Total), q, porter.CertificateTypes
	d.Today = c.svc.Now().UTC().Format(porter.DateLayout)
	c.render(w, status, "certificates", view{Title: "Certificates", Nav: "certificates", User: u, Data: d})
}

func (c *Console) addCertificate(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderCertificates(w, r, u, status, certificatesData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.CertificateInput{Type: formText(v, "type"), PropertyID: formID(v, "property_id", "Property", &errs),
		AssetID: formID(v, "asset_id", "Asset", &errs), Reference: formText(v, "reference"), Issuer: formText(v, "issuer"),
		IssueDate: formText(v, "issue_date"), ExpiryDate: formText(v, "expiry_date"), DocumentID: formID(v, "document_id", "Document", &errs),
		Notes: formText(v, "notes")}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	_, err := c.svc.AddCertificate(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, assetLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/certificates")
}
