package http

import (
	"context"
	"net/http"

	"porter"
)

// Facility records: asset categories, assets, warranties and their
// claims, compliance certificates (seed 002).

type (
	assetCategoryView  = porter.AssetCategory
	assetCategoryInput = porter.AssetCategoryInput
	assetView          = porter.Asset
	assetInput         = porter.AssetInput
	transferInput      = porter.TransferInput
	disposeInput       = porter.DisposeInput
	warrantyView       = porter.Warranty
	warrantyInput      = porter.WarrantyInput
	warrantyClaimView  = porter.WarrantyClaim
	warrantyClaimInput = porter.WarrantyClaimInput
	certificateView    = porter.Certificate
	certificateInput   = porter.CertificateInput
)

func (s *Server) handleListAssets() handlerFunc {
	return listOf(s, func(q *query) porter.AssetFilter {
		return porter.AssetFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"),
			CategoryID: q.id("category_id"), Condition: q.str("condition", porter.AssetConditions...),
			Status: q.str("status", porter.AssetStatuses...), ExternalRef: q.str("external_ref"), Search: q.str("search")}
	}, s.svc.Assets)
}

func (s *Server) handleListCertificates() handlerFunc {
	return listOf(s, func(q *query) porter.CertificateFilter {
		return porter.CertificateFilter{ListParams: q.list(), PropertyID: q.id("property_id"), AssetID: q.id("asset_id"),
			Type: q.str("type", porter.CertificateTypes...), Expiry: q.str("expiry", porter.CertificateExpiries...),
			WithinDays: q.int("within_days", 1, 3650)}
	}, s.svc.Certificates)
}

// allOf answers every item a list function gives, unpaged: lists that stay
// short (an organization's categories, an asset's warranties).
func allOf[T any](list func(ctx context.Context, org int64) ([]T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		items, err := list(r.Context(), orgID(r))
		if err != nil {
			return err
		}
		return encode(w, r, data{items})
	}
}

// allUnder answers every item under the record the path names, unpaged.
func allUnder[T any](resource string, list func(ctx context.Context, org, id int64) ([]T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, resource)
		if err != nil {
			return err
		}
		items, err := list(r.Context(), orgID(r), id)
		if err != nil {
			return err
		}
		return encode(w, r, data{items})
	}
}

func (s *Server) handleDeleteAssetCategory() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "asset category")
		if err != nil {
			return err
		}
		if err := s.svc.DeleteAssetCategory(r.Context(), orgID(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// addFacilityRoutes declares the asset, warranty and certificate
// endpoints (scopes assets:* and certificates:*).
func (s *Server) addFacilityRoutes() {
	const get, post, patch = http.MethodGet, http.MethodPost, http.MethodPatch
	s.handle(&route{Method: get, Path: "/v1/asset_categories", API: v1API, Scope: "assets:read", Tag: "Assets",
		Summary: "List the organization's asset categories, by name", Response: []assetCategoryView{}}, allOf(s.svc.AssetCategories))
	s.handle(&route{Method: post, Path: "/v1/asset_categories", API: v1API, Scope: "assets:write", Tag: "Assets",
		Summary: "Add an asset category (names are unique ignoring case: 409 if taken)", Request: assetCategoryInput{},
		Response: assetCategoryView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateAssetCategory))
	s.handle(&route{Method: get, Path: "/v1/asset_categories/{id}", API: v1API, Scope: "assets:read", Tag: "Assets",
		Summary: "Get an asset category", Response: assetCategoryView{}}, getOne("asset category", s.svc.AssetCategory))
	s.handle(&route{Method: patch, Path: "/v1/asset_categories/{id}", API: v1API, Scope: "assets:write", Tag: "Assets",
		Summary: "Rename an asset category; its assets follow", Request: assetCategoryInput{}, Response: assetCategoryView{}},
		updateOne(s, "asset category", s.svc.UpdateAssetCategory))
	s.handle(&route{Method: http.MethodDelete, Path: "/v1/asset_categories/{id}", API: v1API, Scope: "assets:write", Tag: "Assets",
		Summary: "Delete an asset category no asset uses (409 otherwise)", Status: http.StatusNoContent}, s.handleDeleteAssetCategory())

	s.handle(&route{Method: get, Path: "/v1/assets", API: v1API, Scope: "assets:read", Tag: "Assets",
		Summary: "List assets, newest first", Response: []assetView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "category_id", Type: "integer"},
			queryParam{Name: "condition", Type: "string", Enum: porter.AssetConditions},
			queryParam{Name: "status", Type: "string", Enum: porter.AssetStatuses},
			queryParam{Name: "external_ref", Type: "string", Description: "The asset an outside system knows by this id"},
			queryParam{Name: "search", Type: "string", Description: "Part of the name or of the serial number, ignoring case"})}, s.handleListAssets())
	s.handle(&route{Method: post, Path: "/v1/assets", API: v1API, Scope: "assets:write", Tag: "Assets",
		Summary: "Add an asset (active; condition good unless given)", Request: assetInput{}, Response: assetView{}, Status: http.StatusCreated},
		createOne(s, s.svc.CreateAsset))
	s.handle(&route{Method: get, Path: "/v1/assets/{id}", API: v1API, Scope: "assets:read", Tag: "Assets",
		Summary: "Get an asset", Response: assetView{}}, getOne("asset", s.svc.Asset))
	s.handle(&route{Method: patch, Path: "/v1/assets/{id}", API: v1API, Scope: "assets:write", Tag: "Assets",
		Summary: "Edit an asset that is not disposed (409 if it is); a new condition also fires asset.condition_changed",
		Request: assetInput{}, Response: assetView{}}, updateOne(s, "asset", s.svc.UpdateAsset))
	s.handle(&route{Method: post, Path: "/v1/assets/{id}/transfer", API: v1API, Scope: "assets:write", Tag: "Assets",
		Summary: "Move an asset to another property or unit; it becomes transferred (409 if disposed)", Request: transferInput{},
		Response: assetView{}}, actWith(s, "asset", s.svc.TransferAsset))
	s.handle(&route{Method: post, Path: "/v1/assets/{id}/dispose", API: v1API, Scope: "assets:write", Tag: "Assets",
		Summary: "Dispose of an asset, with a reason; it no longer changes", Request: disposeInput{}, Response: assetView{}},
		actWith(s, "asset", s.svc.DisposeAsset))
	s.handle(&route{Method: get, Path: "/v1/assets/{id}/warranties", API: v1API, Scope: "assets:read", Tag: "Warranties",
		Summary: "List an asset's warranties, latest end first", Response: []warrantyView{}}, allUnder("asset", s.svc.Warranties))
	s.handle(&route{Method: post, Path: "/v1/assets/{id}/warranties", API: v1API, Scope: "assets:write", Tag: "Warranties",
		Summary: "Add a warranty to an asset that is not disposed", Request: warrantyInput{}, Response: warrantyView{}, Status: http.StatusCreated},
		actWith(s, "asset", s.svc.CreateWarranty))
	s.handle(&route{Method: get, Path: "/v1/warranties/{id}", API: v1API, Scope: "assets:read", Tag: "Warranties",
		Summary: "Get a warranty", Response: warrantyView{}}, getOne("warranty", s.svc.Warranty))
	s.handle(&route{Method: patch, Path: "/v1/warranties/{id}", API: v1API, Scope: "assets:write", Tag: "Warranties",
		Summary: "Edit a warranty; a new end date arms its expiry alerts again", Request: warrantyInput{}, Response: warrantyView{}},
		updateOne(s, "warranty", s.svc.UpdateWarranty))
	s.handle(&route{Method: get, Path: "/v1/warranties/{id}/claims", API: v1API, Scope: "assets:read", Tag: "Warranties",
		Summary: "List a warranty's claims, newest first", Response: []warrantyClaimView{}}, allUnder("warranty", s.svc.WarrantyClaims))
	s.handle(&route{Method: post, Path: "/v1/warranties/{id}/claims", API: v1API, Scope: "assets:write", Tag: "Warranties",
		Summary: "Open a claim under a warranty, optionally linked to a work order", Request: warrantyClaimInput{}, Response: warrantyClaimView{},
		Status: http.StatusCreated}, actWith(s, "warranty", s.svc.OpenWarrantyClaim))
	s.handle(&route{Method: get, Path: "/v1/warranty_claims/{id}", API: v1API, Scope: "assets:read", Tag: "Warranties",
		Summary: "Get a warranty claim", Response: warrantyClaimView{}}, getOne("warranty claim", s.svc.WarrantyClaim))
	s.handle(&route{Method: patch, Path: "/v1/warranty_claims/{id}", API: v1API, Scope: "assets:write", Tag: "Warranties",
		Summary: "Edit a claim or move it on (status: open → submitted → approved or rejected → closed; an open claim may be closed); 409 for another move or a closed claim",
		Request: warrantyClaimInput{}, Response: warrantyClaimView{}}, updateOne(s, "warranty claim", s.svc.UpdateWarrantyClaim))

	s.handle(&route{Method: get, Path: "/v1/certificates", API: v1API, Scope: "certificates:read", Tag: "Certificates",
		Summary: "List compliance certificates, newest first", Response: []certificateView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "asset_id", Type: "integer"},
			queryParam{Name: "type", Type: "string", Enum: porter.CertificateTypes},
			queryParam{Name: "expiry", Type: "string", Enum: porter.CertificateExpiries,
				Description: "As of today: expired (expiry date passed), expiring (within within_days) or valid (beyond)"},
			queryParam{Name: "within_days", Type: "integer", Description: "The expiring window in days, 1 to 3650 (default: the organization's largest certificate_alert_days)"})},
		s.handleListCertificates())
	s.handle(&route{Method: post, Path: "/v1/certificates", API: v1API, Scope: "certificates:write", Tag: "Certificates",
		Summary: "Record a compliance certificate of a property or of one of its assets", Request: certificateInput{}, Response: certificateView{},
		Status: http.StatusCreated}, createOne(s, s.svc.AddCertificate))
	s.handle(&route{Method: get, Path: "/v1/certificates/{id}", API: v1API, Scope: "certificates:read", Tag: "Certificates",
		Summary: "Get a compliance certificate", Response: certificateView{}}, getOne("certificate", s.svc.Certificate))
	s.handle(&route{Method: patch, Path: "/v1/certificates/{id}", API: v1API, Scope: "certificates:write", Tag: "Certificates",
		Summary: "Edit or renew a certificate; a new expiry date arms its alerts again", Request: certificateInput{}, Response: certificateView{}},
		updateOne(s, "certificate", s.svc.UpdateCertificate))
}
