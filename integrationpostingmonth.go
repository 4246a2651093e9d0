package porter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// postingMonthEndLock lets one node at a time run a month-end pass.
const postingMonthEndLock = "posting-month-end"

// RunPostingMonthEnd posts, for every enabled integration whose rules take
// month_end, one summary entry per property for the month before now: the
// costs of the work orders closed in it, by expense account. A posting is
// unique per integration, month and property, so a pass run twice, after a
// restart or on several nodes posts each once; an integration added after
// the month ended posts nothing for it.
func (s *Service) RunPostingMonthEnd(ctx context.Context, now time.Time) error {
	release, ok, err := s.Store.TryLock(ctx, postingMonthEndLock)
	if err != nil {
		return fmt.Errorf("posting month end: %w", err)
	}
	if !ok {
		return nil
	}
	defer release()
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return fmt.Errorf("posting month end: %w", err)
	}
	now = now.UTC()
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, -1, 0)
	var errs []error
	for _, org := range orgs {
		var sets []*PostingSetup
		err := s.Store.View(ctx, org.ID, func(tx Tx) error {
			var err error
			sets, err = tx.PostingSetups(ctx)
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("posting month end for organization %d: %w", org.ID, err))
			continue
		}
		for _, set := range sets {
			if !set.Rules.has(PostOnMonthEnd) {
				continue
			}
			// One transaction per integration: its month posts whole or not at all.
			err := s.Store.Update(ctx, org.ID, func(tx Tx) error { return postMonthEnd(ctx, tx, now.Truncate(time.Second), set, from, to) })
			if err != nil {
				errs = append(errs, fmt.Errorf("posting month end for integration %d: %w", set.IntegrationID, err))
			}
		}
	}
	return errors.Join(errs...)
}

// postMonthEnd posts set's month [from, to), one entry per property.
func postMonthEnd(ctx context.Context, tx Tx, now time.Time, set *PostingSetup, from, to time.Time) error {
	it, err := tx.Integration(ctx, set.IntegrationID)
	if err != nil {
		return err
	}
	if !it.CreatedAt.Before(to) {
		return nil
	}
	costs, err := tx.ClosedWorkOrderCosts(ctx, from, to)
	if err != nil {
		return err
	}
	r, a := set.Rules, &set.Rules.Accounts
	month, date := from.Format("2006-01"), to.AddDate(0, 0, -1).Format(time.DateOnly)
	for len(costs) > 0 {
		pid := costs[0].PropertyID
		n := 1
		for n < len(costs) && costs[n].PropertyID == pid {
			n++
		}
		byAccount := map[string]Money{}
		var total Money
		for _, c := range costs[:n] {
			byAccount[a.expenseAccount(c.Category)] += c.Cost
			total += c.Cost
		}
		costs = costs[n:]
		ref := fmt.Sprintf("ME-%s-P%d", month, pid)
		desc := fmt.Sprintf("Work orders closed in %s, property %d", month, pid)
		centre := a.costCentre(pid)
		var lines []JournalLine
		for _, acc := range keysOf(byAccount) {
			lines = append(lines, JournalLine{Account: acc, Debit: byAccount[acc], CostCentre: centre, Description: desc})
		}
		lines = append(lines, JournalLine{Account: a.Payables, Credit: total, CostCentre: centre, Description: desc})
		p := &IntegrationPosting{Source: PostingSource{Type: "month_end", ID: pid, Key: "month_end:" + month + ":property:" + strconv.FormatInt(pid, 10)},
			Rule: PostOnMonthEnd, Period: month, PropertyID: &pid, Date: date, Amount: total, Currency: r.Currency,
			JournalEntry: JournalEntry{Reference: ref, Date: date, Description: desc, Currency: r.Currency, Lines: lines}}
		if err := post(ctx, tx, now, set, p); err != nil {
			return err
		}
	}
	return nil
}

// RunPostingScheduler runs a month-end pass at once and then every
// interval until ctx ends; a failed pass is logged and the next runs anyway.
func (s *Service) RunPostingScheduler(ctx context.Context, every time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = s.Logger
	}
	runEvery(ctx, every, func() {
		if err := s.RunPostingMonthEnd(ctx, s.now()); err != nil && ctx.Err() == nil {
			logger.Error("posting month-end pass failed", "err", err)
		}
	})
}
