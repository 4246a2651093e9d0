package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The asset and warranty targets: seed 002's handover brings the assets a
// building is handed over with, and their warranties. An asset's category
// must be mapped (value_maps.asset_category): "Construction HVAC unit"
// means nothing to Porter until the mapping says it is "HVAC Equipment",
// and until then the record is an error naming the gap, retried once the
// mapping is added.

type assetTarget struct{}

type warrantyTarget struct{}

func init() {
	registerIntegrationTarget("asset", assetTarget{})
	registerIntegrationTarget("warranty", warrantyTarget{})
}

func checkCondition(v string) string {
	if slices.Contains(AssetConditions, v) {
		return ""
	}
	return fmt.Sprintf("'%s' is not one of %s (translate it with value_maps.condition)", v, strings.Join(AssetConditions, ", "))
}

func (assetTarget) fields() []integrationField {
	return []integrationField{
		{Name: "name"},
		{Name: "category", Kind: "asset_category", MustMap: true},
		{Name: "make"},
		{Name: "model"},
		{Name: "serial"},
		{Name: "install_date"},
		{Name: "condition", Kind: "condition", check: checkCondition},
		{Name: "location"},
		{Name: "notes"},
		{Name: "building", Kind: "building"},
		{Name: "property_id"},
		{Name: "unit"},
		{Name: "unit_id"},
	}
}

func (assetTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	var ref IntegrationRef
	propertyID, err := r.propertyID(ctx, tx)
	if err != nil {
		return ref, err
	}
	unitID, err := integrationUnit(ctx, tx, r, propertyID)
	if err != nil {
		return ref, err
	}
	in := AssetInput{PropertyID: &propertyID, Name: ptrIf(r.Values["name"]), Make: ptrIf(r.Values["make"]),
		Model: ptrIf(r.Values["model"]), Serial: ptrIf(r.Values["serial"]), InstallDate: ptrIf(r.Values["install_date"]),
		Condition: ptrIf(r.Values["condition"]), Location: ptrIf(r.Values["location"]), Notes: ptrIf(r.Values["notes"])}
	if unitID != nil {
		in.UnitID = unitID
	}
	if c := r.Values["category"]; c != "" {
		if _, err := tx.AssetCategoryByName(ctx, c); ErrorCode(err) == ENOTFOUND {
			return ref, Errorf(EUNPROCESS, "asset category '%s' (mapped from the record) is not one of the organization's categories: add it under /v1/asset_categories", c)
		} else if err != nil {
			return ref, err
		}
		in.Category = &c
	}
	if r.Link != nil && r.Link.TargetType == "asset" {
		a, err := tx.AssetForUpdate(ctx, r.Link.TargetID)
		if err == nil {
			if a.Status == AssetDisposed {
				return IntegrationRef{"asset", a.ID}, nil // a disposed asset no longer changes
			}
			a, err = editAsset(ctx, tx, now, a, in)
			if err != nil {
				return ref, mappingInvalid(err)
			}
			return IntegrationRef{"asset", a.ID}, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return ref, err
		}
	}
	if in.Name == nil {
		return ref, Errorf(EUNPROCESS, "name is missing: the record has no %s and the mapping sets no default", sourcePath(r, "name"))
	}
	a, err := createAsset(ctx, tx, now, in)
	if err != nil {
		return ref, mappingInvalid(err)
	}
	return IntegrationRef{"asset", a.ID}, nil
}

func (warrantyTarget) fields() []integrationField {
	return []integrationField{
		{Name: "asset"}, // the source id of an asset the same integration imported
		{Name: "asset_id"},
		{Name: "provider"},
		{Name: "contact"},
		{Name: "policy_number"},
		{Name: "start_date"},
		{Name: "end_date"},
		{Name: "coverage"},
	}
}

func (warrantyTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	var ref IntegrationRef
	assetID, ok, err := r.id("asset_id")
	if err != nil {
		return ref, err
	}
	if !ok {
		src := r.Values["asset"]
		if src == "" {
			return ref, Errorf(EUNPROCESS, "no asset: the record names neither asset (an asset's source id) nor asset_id")
		}
		l, err := tx.IntegrationLink(ctx, r.Integration.ID, "asset", src)
		if ErrorCode(err) == ENOTFOUND || (err == nil && l.TargetType != "asset") {
			return ref, Errorf(EUNPROCESS, "asset '%s' has not been imported by this integration yet: send it first, then retry", src)
		} else if err != nil {
			return ref, err
		}
		assetID = l.TargetID
	}
	in := WarrantyInput{Provider: ptrIf(r.Values["provider"]), Contact: ptrIf(r.Values["contact"]),
		PolicyNumber: ptrIf(r.Values["policy_number"]), StartDate: ptrIf(r.Values["start_date"]),
		EndDate: ptrIf(r.Values["end_date"]), Coverage: ptrIf(r.Values["coverage"])}
	if r.Link != nil && r.Link.TargetType == "warranty" {
		w, err := tx.WarrantyForUpdate(ctx, r.Link.TargetID)
		if err == nil {
			if w, err = editWarranty(ctx, tx, now, w, assetID, in); err != nil {
				return ref, mappingInvalid(err)
			}
			return IntegrationRef{"warranty", w.ID}, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return ref, err
		}
	}
	w, err := createWarranty(ctx, tx, now, assetID, in)
	if err != nil {
		return ref, mappingInvalid(err)
	}
	return IntegrationRef{"warranty", w.ID}, nil
}
