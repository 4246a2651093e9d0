package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The defect target: a handover's defects and snagging items become
// defect records, or work orders when the organization says so
// (defects_as_work_orders), as seed 002's "Work order settings" offers. A
// record keeps the kind it first became: once a work order, its updates
// go to that work order even if the setting changes, and likewise for a
// defect.

type defectTarget struct{}

func init() { registerIntegrationTarget("defect", defectTarget{}) }

func checkSeverity(v string) string {
	if slices.Contains(DefectSeverities, v) {
		return ""
	}
	return fmt.Sprintf("'%s' is not one of %s (translate it with value_maps.severity)", v, strings.Join(DefectSeverities, ", "))
}

// fields are a defect's and, for the work-order way, a work order's.
func (defectTarget) fields() []integrationField {
	return append([]integrationField{
		{Name: "location"},
		{Name: "severity", Kind: "severity", check: checkSeverity},
		{Name: "asset"}, // the source id of an asset the same integration imported
		{Name: "asset_id"},
	}, workOrderTarget{}.fields()...)
}

func (defectTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	var ref IntegrationRef
	asWorkOrder := r.Link != nil && r.Link.TargetType == "work_order"
	if r.Link == nil || (r.Link.TargetType != "work_order" && r.Link.TargetType != "defect") {
		org, err := tx.Organization(ctx)
		if err != nil {
			return ref, err
		}
		asWorkOrder = org.DefectsAsWorkOrders
	}
	if asWorkOrder {
		return workOrderTarget{}.apply(ctx, tx, now, r)
	}
	title := r.Values["title"]
	if title == "" {
		return ref, Errorf(EUNPROCESS, "title is missing: the record has no %s and the mapping sets no default", sourcePath(r, "title"))
	}
	propertyID, err := r.propertyID(ctx, tx)
	if err != nil {
		return ref, err
	}
	unitID, err := integrationUnit(ctx, tx, r, propertyID)
	if err != nil {
		return ref, err
	}
	assetID, err := integrationAsset(ctx, tx, r)
	if err != nil {
		return ref, err
	}
	in := DefectInput{PropertyID: &propertyID, UnitID: unitID, AssetID: assetID, Title: &title,
		Description: ptrIf(r.Values["description"]), Location: ptrIf(r.Values["location"]), Severity: ptrIf(r.Values["severity"])}
	if unitID == nil {
		zero := int64(0)
		in.UnitID = &zero // the record names no unit now: it clears one named before
	}
	if r.Link != nil && r.Link.TargetType == "defect" {
		d, err := tx.Defect(ctx, r.Link.TargetID)
		if err == nil {
			return IntegrationRef{"defect", d.ID}, updateIntegrationDefect(ctx, tx, now, d, in)
		}
		if ErrorCode(err) != ENOTFOUND {
			return ref, err
		}
		// Its defect is gone: the record opens a new one.
	}
	source, sourceID := fmt.Sprintf("integration:%d", r.Integration.ID), r.SourceID
	if len(sourceID) > maxMeterText {
		sourceID = sourceID[:maxMeterText]
	}
	if old, err := tx.DefectByExternalRef(ctx, source, sourceID); err == nil {
		return IntegrationRef{"defect", old.ID}, updateIntegrationDefect(ctx, tx, now, old, in)
	} else if ErrorCode(err) != ENOTFOUND {
		return ref, err
	}
	d := &Defect{Severity: "medium", Status: DefectOpen, Source: source, ExternalRef: &sourceID, CreatedAt: now, UpdatedAt: now}
	if err := d.apply(ctx, tx, in); err != nil {
		return ref, mappingInvalid(err)
	}
	if err := tx.InsertDefect(ctx, d); err != nil {
		return ref, fmt.Errorf("create defect: %w", err)
	}
	return IntegrationRef{"defect", d.ID}, recordDefect(ctx, tx, now, "defect.created", d, nil)
}

// updateIntegrationDefect applies a record seen before to its defect. A
// resolved or rejected defect is left as it is.
func updateIntegrationDefect(ctx context.Context, tx Tx, now time.Time, d *Defect, in DefectInput) error {
	if d.Status == DefectResolved || d.Status == DefectRejected {
		return nil
	}
	before := *d
	if err := d.apply(ctx, tx, in); err != nil {
		return mappingInvalid(err)
	}
	if unchanged(&before, d) {
		return nil
	}
	d.UpdatedAt = now
	if err := tx.UpdateDefect(ctx, d); err != nil {
		return fmt.Errorf("update defect: %w", err)
	}
	return recordDefect(ctx, tx, now, "defect.updated", d, &before)
}

// integrationAsset finds the asset a record names: asset_id (a Porter id)
// or asset (the source id of an asset this integration imported).
func integrationAsset(ctx context.Context, tx Tx, r *integrationRecord) (*int64, error) {
	if id, ok, err := r.id("asset_id"); ok || err != nil {
		if err == nil {
			if _, err := tx.Asset(ctx, id); ErrorCode(err) == ENOTFOUND {
				return nil, Errorf(EUNPROCESS, "asset_id %d is not an asset of this organization", id)
			} else if err != nil {
				return nil, err
			}
		}
		return &id, err
	}
	src := r.Values["asset"]
	if src == "" {
		return nil, nil
	}
	l, err := tx.IntegrationLink(ctx, r.Integration.ID, "asset", src)
	if ErrorCode(err) == ENOTFOUND || (err == nil && l.TargetType != "asset") {
		return nil, Errorf(EUNPROCESS, "asset '%s' has not been imported by this integration yet: send it first, then retry", src)
	} else if err != nil {
		return nil, err
	}
	return &l.TargetID, nil
}
