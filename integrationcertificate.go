package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The certificate target: a handover or compliance system's certificate
// record (a fire safety or elevator inspection certificate) becomes a
// compliance certificate on a property or on one of its assets, with
// certificate.added and certificate.updated; the expiry alerts follow
// from its expiry date like any certificate's. The same source record
// again updates it.

type certificateTarget struct{}

func init() { registerIntegrationTarget("certificate", certificateTarget{}) }

func checkCertificateType(v string) string {
	if slices.Contains(CertificateTypes, v) {
		return ""
	}
	return fmt.Sprintf("'%s' is not one of %s (translate it with value_maps.certificate_type)", v, strings.Join(CertificateTypes, ", "))
}

func (certificateTarget) fields() []integrationField {
	return []integrationField{
		{Name: "type", Kind: "certificate_type", check: checkCertificateType},
		{Name: "reference"},
		{Name: "issuer"},
		{Name: "issue_date"},
		{Name: "expiry_date"},
		{Name: "notes"},
		{Name: "building", Kind: "building"},
		{Name: "property_id"},
		{Name: "asset"}, // the source id of an asset the same integration imported
		{Name: "asset_id"},
	}
}

func (certificateTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	var ref IntegrationRef
	in := CertificateInput{Type: ptrIf(r.Values["type"]), Reference: ptrIf(r.Values["reference"]), Issuer: ptrIf(r.Values["issuer"]),
		IssueDate: ptrIf(r.Values["issue_date"]), ExpiryDate: ptrIf(r.Values["expiry_date"]), Notes: ptrIf(r.Values["notes"])}
	assetID, ok, err := r.id("asset_id")
	if err != nil {
		return ref, err
	}
	if !ok && r.Values["asset"] != "" {
		src := r.Values["asset"]
		l, err := tx.IntegrationLink(ctx, r.Integration.ID, "asset", src)
		if ErrorCode(err) == ENOTFOUND || (err == nil && l.TargetType != "asset") {
			return ref, Errorf(EUNPROCESS, "asset '%s' has not been imported by this integration yet: send it first, then retry", src)
		} else if err != nil {
			return ref, err
		}
		assetID, ok = l.TargetID, true
	}
	if ok {
		in.AssetID = &assetID
	}
	// On an asset the property is the asset's unless the record names one;
	// without an asset the record must name its building.
	if !ok || r.Values["building"] != "" || r.Values["property_id"] != "" {
		propertyID, err := r.propertyID(ctx, tx)
		if err != nil {
			return ref, err
		}
		in.PropertyID = &propertyID
	}
	if r.Link != nil && r.Link.TargetType == "certificate" {
		c, err := tx.CertificateForUpdate(ctx, r.Link.TargetID)
		if err == nil {
			if c, err = editCertificate(ctx, tx, now, c, in); err != nil {
				return ref, mappingInvalid(err)
			}
			return IntegrationRef{"certificate", c.ID}, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return ref, err
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"type", in.Type}, {"issue_date", in.IssueDate}, {"expiry_date", in.ExpiryDate}} {
		if f.v == nil {
			return ref, Errorf(EUNPROCESS, "%s is missing: the record has no %s and the mapping sets no default", f.name, sourcePath(r, f.name))
		}
	}
	c, err := createCertificate(ctx, tx, now, in)
	if err != nil {
		return ref, mappingInvalid(err)
	}
	return IntegrationRef{"certificate", c.ID}, nil
}
