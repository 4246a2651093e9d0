package porter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// facilitySchedulerLock names the lock that lets one node at a time run a
// facility pass.
const facilitySchedulerLock = "facility-scheduler"

// WarrantyAlertDays are the days before a warranty's end date at which
// asset.warranty_expiring fires (seed 002).
var WarrantyAlertDays = []int{30, 60, 90}

// ExpiryAlert is one expiry threshold a warranty or certificate has
// crossed for one due date (its end or expiry date).
type ExpiryAlert struct {
	RecordType    string // warranty | certificate
	RecordID      int64
	ThresholdDays int // days before the due date; ExpiredThreshold for certificate.expired
	DueDate       string
	Status        string // sent | passed
	CreatedAt     time.Time
}

// ExpiredThreshold is the threshold that stands for certificate.expired.
const ExpiredThreshold = -1

// ExpiringWarranty is asset.warranty_expiring's data: the warranty, its
// asset, the days left until its end date and the threshold it crossed.
type ExpiringWarranty struct {
	*Warranty
	Asset         *Asset `json:"asset"`
	DaysRemaining int    `json:"days_remaining"`
	ThresholdDays int    `json:"threshold_days"`
}

// ExpiringCertificate is certificate.expiring_soon's data (and
// certificate.expired's, where days_remaining is negative and
// threshold_days absent).
type ExpiringCertificate struct {
	*Certificate
	DaysRemaining int  `json:"days_remaining"`
	ThresholdDays *int `json:"threshold_days,omitempty"`
}

// RunFacilityPass runs the facility scheduler once for every organization,
// as of now: asset.warranty_expiring as warranties cross 90, 60 and 30 days
// before their end date; certificate.expiring_soon as certificates cross
// the organization's certificate_alert_days; certificate.expired the day
// after a certificate's expiry date. Each alert is remembered in the
// store, so a pass run twice, after a restart or on two nodes at once
// sends it once. A pass after downtime sends the tightest threshold
// crossed meanwhile and records the looser ones as passed, so they never
// fire late. When another node holds the lock the pass is skipped.
func (s *Service) RunFacilityPass(ctx context.Context, now time.Time) error {
	release, ok, err := s.Store.TryLock(ctx, facilitySchedulerLock)
	if err != nil {
		return fmt.Errorf("facility pass: %w", err)
	}
	if !ok {
		return nil
	}
	defer release()
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return fmt.Errorf("facility pass: %w", err)
	}
	now = now.UTC().Truncate(time.Second)
	var errs []error
	for _, org := range orgs {
		// One organization's failure must not starve the others.
		if err := s.facilityPass(ctx, org, now); err != nil {
			errs = append(errs, fmt.Errorf("facility pass for organization %d: %w", org.ID, err))
		}
	}
	return errors.Join(errs...)
}

// facilityPass runs the scheduler for one organization, one transaction
// per record, so that one bad record does not hold back the rest.
func (s *Service) facilityPass(ctx context.Context, org *Organization, now time.Time) error {
	today := dateOf(now)
	certDays := slices.Clone(certificateAlertDays(org))
	slices.Sort(certDays)
	certHorizon := today
	if len(certDays) > 0 {
		certHorizon = addDays(today, certDays[len(certDays)-1])
	}
	var warranties []*Warranty
	var certs []*Certificate
	err := s.Store.View(ctx, org.ID, func(tx Tx) error {
		var err error
		if warranties, err = tx.WarrantiesEndingBetween(ctx, today, addDays(today, WarrantyAlertDays[len(WarrantyAlertDays)-1])); err != nil {
			return err
		}
		certs, err = tx.CertificatesDue(ctx, certHorizon)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, w := range warranties {
		if err := s.Store.Update(ctx, org.ID, func(tx Tx) error { return warrantyDue(ctx, tx, now, w.ID) }); err != nil {
			errs = append(errs, fmt.Errorf("warranty %d: %w", w.ID, err))
		}
	}
	for _, c := range certs {
		if err := s.Store.Update(ctx, org.ID, func(tx Tx) error { return certificateDue(ctx, tx, now, c.ID, certDays) }); err != nil {
			errs = append(errs, fmt.Errorf("certificate %d: %w", c.ID, err))
		}
	}
	return errors.Join(errs...)
}

// warrantyDue sends warranty id's expiry alert, as of now.
func warrantyDue(ctx context.Context, tx Tx, now time.Time, id int64) error {
	// Read again under the lock: an edit may have moved the end date since
	// the warranty was listed.
	w, err := tx.WarrantyForUpdate(ctx, id)
	if err != nil {
		return err
	}
	today := dateOf(now)
	if w.EndDate < today {
		return nil
	}
	days := daysBetween(today, w.EndDate)
	return crossThresholds(ctx, tx, now, "warranty", w.ID, w.EndDate, days, WarrantyAlertDays, func(t int) error {
		a, err := tx.Asset(ctx, w.AssetID)
		if err != nil {
			return err
		}
		if a.Status == AssetDisposed {
			return nil
		}
		data := ExpiringWarranty{Warranty: w, Asset: a, DaysRemaining: days, ThresholdDays: t}
		return record(ctx, tx, now, "asset.warranty_expiring", "asset", a.ID, data, nil)
	})
}

// certificateDue sends certificate id's expiry alert or certificate.expired,
// as of now.
func certificateDue(ctx context.Context, tx Tx, now time.Time, id int64, thresholds []int) error {
	c, err := tx.CertificateForUpdate(ctx, id)
	if err != nil {
		return err
	}
	today := dateOf(now)
	days := daysBetween(today, c.ExpiryDate)
	if c.ExpiryDate < today {
		inserted, err := tx.InsertExpiryAlert(ctx, &ExpiryAlert{RecordType: "certificate", RecordID: c.ID, ThresholdDays: ExpiredThreshold,
			DueDate: c.ExpiryDate, Status: alertSent, CreatedAt: now})
		if err != nil || !inserted {
			return err
		}
		return record(ctx, tx, now, "certificate.expired", "certificate", c.ID, ExpiringCertificate{Certificate: c, DaysRemaining: days}, nil)
	}
	return crossThresholds(ctx, tx, now, "certificate", c.ID, c.ExpiryDate, days, thresholds, func(t int) error {
		data := ExpiringCertificate{Certificate: c, DaysRemaining: days, ThresholdDays: &t}
		return record(ctx, tx, now, "certificate.expiring_soon", "certificate", c.ID, data, nil)
	})
}

const (
	alertSent   = "sent"   // the event fired for this threshold
	alertPassed = "passed" // crossed with a tighter one: no event
)

// crossThresholds records every threshold (sorted ascending) that days
// has crossed, and sends the tightest one not yet recorded through send.
// Looser ones crossed with it are recorded as passed, so that they never
// fire late.
func crossThresholds(ctx context.Context, tx Tx, now time.Time, recordType string, id int64, due string, days int,
	thresholds []int, send func(threshold int) error) error {
	sent := false
	for _, t := range thresholds {
		if days > t {
			continue
		}
		status := alertPassed
		if !sent {
			status = alertSent
		}
		inserted, err := tx.InsertExpiryAlert(ctx, &ExpiryAlert{RecordType: recordType, RecordID: id, ThresholdDays: t,
			DueDate: due, Status: status, CreatedAt: now})
		if err != nil {
			return fmt.Errorf("record %s alert: %w", recordType, err)
		}
		if !sent && inserted {
			if err := send(t); err != nil {
				return err
			}
		}
		sent = true
	}
	return nil
}

// RunFacilityScheduler runs a facility pass at once and then every
// interval until ctx ends. A failed pass is logged and the next one runs
// anyway.
func (s *Service) RunFacilityScheduler(ctx context.Context, every time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = s.Logger
	}
	runEvery(ctx, every, func() {
		if err := s.RunFacilityPass(ctx, s.now()); err != nil && ctx.Err() == nil {
			logger.Error("facility scheduler pass failed", "err", err)
		}
	})
}
