package porter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// RunStatementPass draws up last month's statements (as of now) for every
// owner of every organization, and last month's tax reports for every
// property. It runs on every node and as often as
// wanted: the first pass after the 1st draws them up, the others find
// them there. Two nodes racing for the same owner-month produce one
// statement and one event, because the insert is keyed by owner, month
// and currency and inserts nothing the second time. No scheduler lock is
// needed for correctness.
func (s *Service) RunStatementPass(ctx context.Context, now time.Time) error {
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return fmt.Errorf("statement pass: %w", err)
	}
	var errs []error
	for _, org := range orgs {
		if err := s.statementPass(ctx, org.ID, month); err != nil {
			errs = append(errs, fmt.Errorf("statement pass, organization %d: %w", org.ID, err))
		}
		err := s.eachProperty(ctx, org.ID, func(id int64) error {
			_, _, err := s.generateTaxReports(ctx, org.ID, id, month)
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("tax report pass, organization %d: %w", org.ID, err))
		}
	}
	return errors.Join(errs...)
}

// statementPass draws up one organization's statements of month, one
// transaction per owner, so that one owner's failure spares the others.
func (s *Service) statementPass(ctx context.Context, orgID int64, month string) error {
	var errs []error
	after := int64(0)
	for {
		page, err := view(ctx, s, orgID, func(tx Tx) (List[*Owner], error) {
			return tx.Owners(ctx, OwnerFilter{ListParams: ListParams{Page: 1, PerPage: MaxPerPage, After: after}})
		})
		if err != nil {
			return err
		}
		for _, o := range page.Items {
			after = o.ID
			if _, _, err := s.generateStatements(ctx, orgID, o.ID, month); err != nil {
				errs = append(errs, fmt.Errorf("owner %d: %w", o.ID, err))
			}
		}
		if len(page.Items) < MaxPerPage {
			return errors.Join(errs...)
		}
	}
}

// RunStatementScheduler runs a statement pass at once and then every
// interval until ctx ends. A failed pass is logged and the next one
// retries what it missed.
func (s *Service) RunStatementScheduler(ctx context.Context, every time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = s.Logger
	}
	runEvery(ctx, every, func() {
		if err := s.RunStatementPass(ctx, s.now()); err != nil && ctx.Err() == nil {
			logger.Error("statement pass failed", "err", err)
		}
	})
}
