package porter

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Short-term rentals: iCal. Each unit publishes its stays and blocks as an
// RFC 5545 feed at a secret URL (what OTAs import), and imports the feeds
// of OTAs (Airbnb, Booking.com…) as source: ical bookings.

// ICalSource is an external calendar imported into one unit.
type ICalSource struct {
	ID         int64  `json:"id"`
	PropertyID int64  `json:"property_id"`
	UnitID     int64  `json:"unit_id"`
	Name       string `json:"name"`
	URL        string `json:"url"`
	// Currency labels the imported bookings when no seasonal rate prices
	// them (they are worth 0.00 then).
	Currency      string     `json:"currency"`
	Status        string     `json:"status"` // pending | ok | error
	LastError     string     `json:"last_error"`
	LastAttemptAt *time.Time `json:"last_attempt_at"`
	LastSyncedAt  *time.Time `json:"last_synced_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// ICalSource statuses.
const (
	ICalPending = "pending" // never fetched
	ICalOK      = "ok"
	ICalError   = "error"
)

// ICalStatuses lists every source status.
var ICalStatuses = []string{ICalPending, ICalOK, ICalError}

// Bounds on a fetch: a feed larger, slower or longer than this is refused
// as an error rather than read.
const (
	ICalFetchTimeout  = 20 * time.Second
	ICalMaxBody       = 2 << 20
	ICalMaxEvents     = 5000
	maxICalSourceName = 200
	// icalLease bounds how long a node holds a source's run; a node that
	// dies mid-run frees it by then.
	icalLease = 5 * time.Minute
	// ICalRemovedReason cancels the bookings whose event left the feed.
	ICalRemovedReason = "removed from the iCal feed"
)

// ICalSourceInput creates a source; on PATCH nil fields are left alone and
// the unit cannot change.
type ICalSourceInput struct {
	UnitID   *int64  `json:"unit_id"`
	Name     *string `json:"name"`
	URL      *string `json:"url"`
	Currency *string `json:"currency" doc:"ISO 4217 code of the imported bookings when no seasonal rate applies; default EUR"`
}

// ICalSourceFilter narrows a source listing.
type ICalSourceFilter struct {
	ListParams
	PropertyID int64
	UnitID     int64
	Status     string
}

// ICalLink ties an imported event (source, UID) to the booking it became.
// ConflictDates are the dates a conflict was last reported for, so that a
// re-sync does not report it again.
type ICalLink struct {
	SourceID      int64
	UID           string
	BookingID     int64
	ConflictDates string
}

// ICalExport is a unit's feed token: sealed, and found by its SHA-256.
type ICalExport struct {
	UnitID      int64
	TokenHash   []byte
	TokenSealed []byte
	CreatedAt   time.Time
}

// ICalTx stores iCal feeds, sources and links.
type ICalTx interface {
	ICalExport(ctx context.Context, unitID int64) (*ICalExport, error)
	PutICalExport(ctx context.Context, e *ICalExport) error
	InsertICalSource(ctx context.Context, s *ICalSource) error
	ICalSource(ctx context.Context, id int64) (*ICalSource, error)
	UpdateICalSource(ctx context.Context, s *ICalSource) error
	DeleteICalSource(ctx context.Context, id int64) error
	ICalSources(ctx context.Context, f ICalSourceFilter) (List[*ICalSource], error)
	// DueICalSources lists the sources not attempted since before.
	DueICalSources(ctx context.Context, before time.Time) ([]int64, error)
	// ClaimICalSource leases a source's run until until, if it is still
	// due (not attempted since before) and no other run holds an
	// unexpired lease; it reports whether it took it.
	ClaimICalSource(ctx context.Context, id int64, before, now, until time.Time) (bool, error)
	ReleaseICalSource(ctx context.Context, id int64) error
	ICalLinks(ctx context.Context, sourceID int64) ([]*ICalLink, error)
	PutICalLink(ctx context.Context, l *ICalLink) error
	DeleteICalLink(ctx context.Context, sourceID int64, uid string) error
}

// ICalExportURL is where a unit's feed is published.
type ICalExportURL struct {
	UnitID    int64     `json:"unit_id"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
}

// ICalSyncResult tells what one sync did.
type ICalSyncResult struct {
	Source    *ICalSource `json:"source"`
	Events    int         `json:"events"`    // events read from the feed
	Created   int         `json:"created"`   // bookings created
	Updated   int         `json:"updated"`   // bookings whose dates moved
	Cancelled int         `json:"cancelled"` // events gone from the feed
	Conflicts int         `json:"conflicts"` // imported stays overlapping a confirmed booking or a block
	Unchanged int         `json:"unchanged"`
	// Echoes are events already on the unit, skipped: its own stays and
	// blocks coming back through another unit's feed, or a stay another
	// of its sources imported.
	Echoes int `json:"echoes"`
}

// icalHash is how export tokens are found: a token is 32 random bytes, so
// an unsalted hash is enough.
func icalHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func (s *Service) icalURL(token string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/ical/" + token + ".ics"
}

// newICalExport makes a fresh token for a unit.
func (s *Service) newICalExport(unitID int64, now time.Time) (*ICalExport, string, error) {
	if s.Secrets == nil {
		return nil, "", errors.New("ical export: no secret box configured")
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	sealed, err := s.Secrets.Seal(token)
	if err != nil {
		return nil, "", fmt.Errorf("ical export: %w", err)
	}
	return &ICalExport{UnitID: unitID, TokenHash: icalHash(token), TokenSealed: sealed, CreatedAt: now}, token, nil
}

// ICalExportURL returns a unit's feed URL, making its token on first use.
func (s *Service) ICalExportURL(ctx context.Context, orgID, unitID int64) (*ICalExportURL, error) {
	e, err := view(ctx, s, orgID, func(tx Tx) (*ICalExport, error) {
		if _, err := tx.Unit(ctx, unitID); err != nil {
			return nil, err
		}
		e, err := tx.ICalExport(ctx, unitID)
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil
		}
		return e, err
	})
	if err != nil {
		return nil, err
	}
	if e == nil {
		return s.RotateICalExport(ctx, orgID, unitID)
	}
	if s.Secrets == nil {
		return nil, errors.New("ical export: no secret box configured")
	}
	token, err := s.Secrets.Open(e.TokenSealed)
	if err != nil {
		return nil, fmt.Errorf("ical export: %w", err)
	}
	return &ICalExportURL{UnitID: unitID, URL: s.icalURL(token), CreatedAt: e.CreatedAt}, nil
}

// RotateICalExport gives a unit's feed a new URL; the old one answers 404
// from now on.
func (s *Service) RotateICalExport(ctx context.Context, orgID, unitID int64) (*ICalExportURL, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*ICalExportURL, error) {
		if _, err := tx.Unit(ctx, unitID); err != nil {
			return nil, err
		}
		e, token, err := s.newICalExport(unitID, now)
		if err != nil {
			return nil, err
		}
		if err := tx.PutICalExport(ctx, e); err != nil {
			return nil, err
		}
		// The URL is a credential: the log says it changed, never what to.
		audited(tx, "unit", unitID, nil, map[string]any{"ical_export_url": "[redacted]", "ical_export_created_at": now})
		return &ICalExportURL{UnitID: unitID, URL: s.icalURL(token), CreatedAt: now}, nil
	})
}

// ICalFeed renders the feed a token opens: the unit's confirmed,
// checked-in and checked-out stays and its blocks, from a year back, as
// all-day events. Guests are not named: OTAs show "Reserved" too.
func (s *Service) ICalFeed(ctx context.Context, token string) ([]byte, error) {
	orgID, unitID, err := s.Store.ICalExportByToken(ctx, icalHash(token))
	if err != nil {
		return nil, err
	}
	host := s.icalHost()
	from := addDays(dateOf(s.Now()), -365)
	return view(ctx, s, orgID, func(tx Tx) ([]byte, error) {
		unit, err := tx.Unit(ctx, unitID)
		if err != nil {
			return nil, err
		}
		stays, err := tx.StaysOverlapping(ctx, 0, unitID, from, "9999-12-31", 0)
		if err != nil {
			return nil, err
		}
		blocks, err := tx.BlocksCovering(ctx, 0, unitID, from, "9999-12-31", 0)
		if err != nil {
			return nil, err
		}
		cal := ics.NewCalendarFor("Porter")
		cal.SetMethod(ics.MethodPublish)
		cal.SetCalscale("GREGORIAN")
		cal.SetXWRCalName("Porter unit " + unit.Name)
		// An imported stay keeps the UID it came with, so that a unit
		// importing this feed recognises its own stays (see icalEchoes).
		imported, _, err := importedUIDs(ctx, tx, unitID, 0)
		if err != nil {
			return nil, err
		}
		stamp := s.Now().UTC()
		add := func(uid, summary, start, end string) {
			ev := cal.AddEvent(uid)
			ev.SetDtStampTime(stamp)
			ev.SetAllDayStartAt(mustDate(start))
			ev.SetAllDayEndAt(mustDate(end))
			ev.SetSummary(summary)
		}
		for _, b := range stays {
			uid := imported[b.ID]
			if uid == "" {
				uid = fmt.Sprintf("booking-%d@%s", b.ID, host)
			}
			add(uid, "Reserved", b.CheckIn, b.CheckOut)
		}
		for _, k := range blocks {
			add(fmt.Sprintf("block-%d@%s", k.ID, host), "Blocked", k.StartDate, addDays(k.EndDate, 1))
		}
		var buf bytes.Buffer
		if err := cal.SerializeTo(&buf); err != nil {
			return nil, fmt.Errorf("ical feed: %w", err)
		}
		return buf.Bytes(), nil
	})
}

// icalHost is the host part of the UIDs Porter mints for its feeds.
func (s *Service) icalHost() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "porter"
}

// importedUIDs returns, for a unit's sources other than exceptSource, the
// UID each imported booking came with, by booking id and as a set.
func importedUIDs(ctx context.Context, tx Tx, unitID, exceptSource int64) (map[int64]string, map[string]bool, error) {
	byBooking, uids := map[int64]string{}, map[string]bool{}
	for page := 1; ; page++ {
		srcs, err := tx.ICalSources(ctx, ICalSourceFilter{ListParams: ListParams{Page: page, PerPage: MaxPerPage}, UnitID: unitID})
		if err != nil {
			return nil, nil, err
		}
		for _, src := range srcs.Items {
			if src.ID == exceptSource {
				continue
			}
			links, err := tx.ICalLinks(ctx, src.ID)
			if err != nil {
				return nil, nil, err
			}
			for _, l := range links {
				byBooking[l.BookingID], uids[l.UID] = l.UID, true
			}
		}
		if len(srcs.Items) < MaxPerPage || page*MaxPerPage >= srcs.Total {
			return byBooking, uids, nil
		}
	}
}

// porterUID matches the UIDs Porter mints: booking-12@host, block-3@host.
var porterUID = regexp.MustCompile(`^(booking|block)-([0-9]{1,18})@(.+)$`)

// icalEchoes returns whether an event of src's feed is a stay already on
// src's unit, which the import skips. Two units that import each other's
// feeds would otherwise see their own stays come back as conflicts: A
// exports its booking, B imports it and re-exports it (under the UID it
// came with), A imports it again. An event is the unit's own when its UID
// is one Porter minted for a booking or block of this very unit, or one
// under which another source of the unit already imported a stay (an
// Airbnb reservation A imported, echoed back through B). A UID names one
// event across calendars (RFC 5545), so this never hides a distinct stay:
// a real overlap still has its own UID and is still a conflict.
func (s *Service) icalEchoes(ctx context.Context, tx Tx, src *ICalSource) (func(uid string) (bool, error), error) {
	_, others, err := importedUIDs(ctx, tx, src.UnitID, src.ID)
	if err != nil {
		return nil, err
	}
	host := s.icalHost()
	return func(uid string) (bool, error) {
		if others[uid] {
			return true, nil
		}
		m := porterUID.FindStringSubmatch(uid)
		if m == nil || !strings.EqualFold(m[3], host) {
			return false, nil
		}
		id, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil {
			return false, nil
		}
		// The transaction is the organization's: another's id is not found.
		var unit int64
		if m[1] == "booking" {
			b, err := tx.Booking(ctx, id)
			if ErrorCode(err) == ENOTFOUND {
				return false, nil
			} else if err != nil {
				return false, err
			}
			unit = b.UnitID
		} else {
			k, err := tx.Block(ctx, id)
			if ErrorCode(err) == ENOTFOUND {
				return false, nil
			} else if err != nil {
				return false, err
			}
			unit = k.UnitID
		}
		return unit == src.UnitID, nil
	}, nil
}

func (src *ICalSource) validate() error {
	var v Validation
	src.Name = strings.TrimSpace(src.Name)
	v.Required("name", src.Name)
	if len(src.Name) > maxICalSourceName {
		v.Add("name", "must be at most %d characters", maxICalSourceName)
	}
	validateWebhookURL(&v, src.URL)
	checkCurrency(&v, "currency", &src.Currency, true)
	return v.Err()
}

// checkICalURL runs the SSRF guard on a source URL. It may resolve
// names, so it runs before the write transaction, never inside it.
func (s *Service) checkICalURL(ctx context.Context, raw string) error {
	if s.CheckWebhookURL == nil {
		return nil
	}
	if err := s.CheckWebhookURL(ctx, raw); err != nil {
		var v Validation
		v.Add("url", "is refused: %s", strings.TrimPrefix(err.Error(), "url: "))
		return v.Err()
	}
	return nil
}

// ownFeed reports whether raw is this unit's own export feed: importing
// it would echo the unit's stays back onto itself as conflicts.
func (s *Service) ownFeed(ctx context.Context, orgID, unitID int64, raw string) bool {
	prefix := strings.TrimRight(s.BaseURL, "/") + "/ical/"
	token, ok := strings.CutPrefix(raw, prefix)
	if !ok || s.BaseURL == "" {
		return false
	}
	token, _ = strings.CutSuffix(token, ".ics")
	org, unit, err := s.Store.ICalExportByToken(ctx, icalHash(token))
	return err == nil && org == orgID && unit == unitID
}

func ownFeedError() error {
	var v Validation
	v.Add("url", "is this unit's own iCal export: a unit cannot import its own feed")
	return v.Err()
}

// CreateICalSource adds a calendar to import into a unit. It is fetched
// by the next scheduler run or by a sync.
func (s *Service) CreateICalSource(ctx context.Context, orgID int64, in ICalSourceInput) (*ICalSource, error) {
	src := &ICalSource{Currency: "EUR", Status: ICalPending}
	set(&src.Name, in.Name)
	set(&src.URL, in.URL)
	set(&src.Currency, in.Currency)
	verr := src.validate()
	if in.UnitID == nil || *in.UnitID == 0 {
		var v Validation
		v.Add("unit_id", "is required")
		verr = mergeInvalid(verr, v.Err())
	}
	if verr == nil {
		if err := s.checkICalURL(ctx, src.URL); err != nil {
			return nil, err
		}
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*ICalSource, error) {
		if in.UnitID != nil && *in.UnitID != 0 {
			u, err := tx.Unit(ctx, *in.UnitID)
			if ErrorCode(err) == ENOTFOUND {
				var v Validation
				v.Add("unit_id", "%d does not exist", *in.UnitID)
				return nil, mergeInvalid(verr, v.Err())
			} else if err != nil {
				return nil, err
			}
			src.UnitID, src.PropertyID = u.ID, u.PropertyID
		}
		if verr != nil {
			return nil, verr
		}
		if s.ownFeed(ctx, orgID, src.UnitID, src.URL) {
			return nil, ownFeedError()
		}
		src.CreatedAt, src.UpdatedAt = now, now
		if err := tx.InsertICalSource(ctx, src); err != nil {
			return nil, fmt.Errorf("create ical source: %w", err)
		}
		audited(tx, "ical_source", src.ID, nil, src)
		return src, nil
	})
}

// UpdateICalSource renames a source or points it elsewhere; a new URL is
// fetched afresh (status pending).
func (s *Service) UpdateICalSource(ctx context.Context, orgID, id int64, in ICalSourceInput) (*ICalSource, error) {
	if in.URL != nil {
		var v Validation
		validateWebhookURL(&v, *in.URL)
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := s.checkICalURL(ctx, *in.URL); err != nil {
			return nil, err
		}
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*ICalSource, error) {
		src, err := tx.ICalSource(ctx, id)
		if err != nil {
			return nil, err
		}
		if in.UnitID != nil && *in.UnitID != src.UnitID {
			return nil, &Error{Code: EINVALID, Message: "unit_id cannot be changed: delete the source and create another",
				Fields: []FieldError{{Field: "unit_id", Message: "cannot be changed"}}}
		}
		before := *src
		set(&src.Name, in.Name)
		set(&src.URL, in.URL)
		set(&src.Currency, in.Currency)
		if err := src.validate(); err != nil {
			return nil, err
		}
		if src.URL != before.URL && s.ownFeed(ctx, orgID, src.UnitID, src.URL) {
			return nil, ownFeedError()
		}
		if unchanged(&before, src) {
			return src, nil
		}
		if src.URL != before.URL {
			src.Status, src.LastError = ICalPending, ""
		}
		src.UpdatedAt = now
		audited(tx, "ical_source", src.ID, &before, src)
		return src, tx.UpdateICalSource(ctx, src)
	})
}

// DeleteICalSource stops importing a calendar. The bookings it imported
// stay as they are: cancel them by hand if the stays are gone too.
func (s *Service) DeleteICalSource(ctx context.Context, orgID, id int64) error {
	_, err := update(ctx, s, orgID, func(tx Tx, _ time.Time) (struct{}, error) {
		src, err := tx.ICalSource(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		audited(tx, "ical_source", id, src, nil)
		return struct{}{}, tx.DeleteICalSource(ctx, id)
	})
	return err
}

// ICalSource returns one source.
func (s *Service) ICalSource(ctx context.Context, orgID, id int64) (*ICalSource, error) {
	return view(ctx, s, orgID, func(tx Tx) (*ICalSource, error) { return tx.ICalSource(ctx, id) })
}

// ICalSources lists sources, newest first.
func (s *Service) ICalSources(ctx context.Context, orgID int64, f ICalSourceFilter) (List[*ICalSource], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*ICalSource], error) { return tx.ICalSources(ctx, f) })
}

// icalEvent is one stay read from a feed.
type icalEvent struct {
	UID, Summary, CheckIn, CheckOut string
}

// fetchICal reads a source's feed through the guarded client, bounded in
// time and size.
func (s *Service) fetchICal(ctx context.Context, raw string) ([]byte, error) {
	client := s.ICalClient
	if client == nil {
		return nil, errors.New("no HTTP client is configured for iCal imports")
	}
	ctx, cancel := context.WithTimeout(ctx, ICalFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("invalid URL: %w", err)
	}
	req.Header.Set("Accept", "text/calendar")
	req.Header.Set("User-Agent", "Porter-iCal/1")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetch failed: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the source answered HTTP %d, not 200", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, ICalMaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read failed: %v", err)
	}
	if len(body) > ICalMaxBody {
		return nil, fmt.Errorf("the feed is larger than %d bytes", ICalMaxBody)
	}
	return body, nil
}

// parseICal reads the stays of a feed with the iCalendar library. A feed
// it cannot read, or an event without UID or DTSTART, is an error naming
// the problem; cancelled events are left out (they are gone).
func parseICal(body []byte) ([]icalEvent, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("BEGIN:VCALENDAR")) {
		return nil, errors.New("malformed iCal: the feed does not begin with BEGIN:VCALENDAR")
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("malformed iCal: %v", err)
	}
	var out []icalEvent
	seen := map[string]bool{}
	for i, ev := range cal.Events() {
		if i >= ICalMaxEvents {
			return nil, fmt.Errorf("the feed has more than %d events", ICalMaxEvents)
		}
		prop := func(p ics.ComponentProperty) string {
			if v := ev.GetProperty(p); v != nil {
				return strings.TrimSpace(v.Value)
			}
			return ""
		}
		uid := prop(ics.ComponentPropertyUniqueId)
		if uid == "" {
			return nil, fmt.Errorf("malformed iCal: event %d has no UID", i+1)
		}
		if len(uid) > 500 {
			return nil, fmt.Errorf("malformed iCal: event %d has a UID longer than 500 characters", i+1)
		}
		if strings.EqualFold(prop(ics.ComponentPropertyStatus), "CANCELLED") {
			continue
		}
		start, err := ev.GetAllDayStartAt()
		if err != nil {
			return nil, fmt.Errorf("malformed iCal: event %s: DTSTART: %v", uid, err)
		}
		e := icalEvent{UID: uid, Summary: prop(ics.ComponentPropertySummary), CheckIn: start.Format(DateLayout)}
		if end, err := ev.GetAllDayEndAt(); err == nil {
			e.CheckOut = end.Format(DateLayout)
		} else if ev.GetProperty(ics.ComponentPropertyDtEnd) != nil {
			return nil, fmt.Errorf("malformed iCal: event %s: DTEND: %v", uid, err)
		}
		if e.CheckOut == "" || e.CheckOut == e.CheckIn {
			e.CheckOut = addDays(e.CheckIn, 1) // a one-day event holds its night
		}
		if e.CheckOut < e.CheckIn {
			return nil, fmt.Errorf("malformed iCal: event %s ends (%s) before it starts (%s)", uid, e.CheckOut, e.CheckIn)
		}
		if n := daysBetween(e.CheckIn, e.CheckOut); n > MaxStayNights {
			return nil, fmt.Errorf("malformed iCal: event %s lasts %d nights, more than %d", uid, n, MaxStayNights)
		}
		if seen[uid] {
			continue // a recurrence override: the first occurrence stands
		}
		seen[uid] = true
		out = append(out, e)
	}
	return out, nil
}

// SyncICalSource fetches a source now and applies it. A source that
// cannot be fetched or read is marked error → ical.sync_failed, nothing
// else is written, and the answer is a 422 naming the problem.
func (s *Service) SyncICalSource(ctx context.Context, orgID, id int64) (*ICalSyncResult, error) {
	src, err := s.ICalSource(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	events, ferr := s.readICal(ctx, src.URL)
	if ferr != nil {
		failed, err := s.icalFailed(ctx, orgID, id, ferr)
		if err != nil {
			return nil, err
		}
		return nil, &Error{Code: EUNPROCESS, Message: fmt.Sprintf("iCal source %d (%s) could not be synced: %s", id, failed.Name, ferr),
			Fields: []FieldError{{Field: "url", Message: ferr.Error()}}}
	}
	return s.applyICal(ctx, orgID, id, events)
}

func (s *Service) readICal(ctx context.Context, raw string) ([]icalEvent, error) {
	body, err := s.fetchICal(ctx, raw)
	if err != nil {
		return nil, err
	}
	return parseICal(body)
}

// icalFailed marks a source error → ical.sync_failed.
func (s *Service) icalFailed(ctx context.Context, orgID, id int64, cause error) (*ICalSource, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*ICalSource, error) {
		src, err := tx.ICalSource(ctx, id)
		if err != nil {
			return nil, err
		}
		src.Status, src.LastError, src.LastAttemptAt, src.UpdatedAt = ICalError, cause.Error(), &now, now
		if err := tx.UpdateICalSource(ctx, src); err != nil {
			return nil, err
		}
		data := map[string]any{"source": src, "error": cause.Error()}
		return src, recordNested(ctx, tx, now, "ical.sync_failed", "ical_source", src.ID, data, nil, nil)
	})
}

// icalConflict names what an imported stay overlaps.
type icalConflict struct {
	Type      string `json:"type"` // booking | block
	ID        int64  `json:"id"`
	Reference string `json:"reference,omitempty"`
	Status    string `json:"status,omitempty"`
	Kind      string `json:"kind,omitempty"`
	CheckIn   string `json:"check_in"`
	CheckOut  string `json:"check_out"`
}

// icalConflictWith returns what holds one of b's nights, or nil.
func icalConflictWith(ctx context.Context, tx Tx, b *Booking) (*icalConflict, error) {
	held, err := holdingBookings(ctx, tx, b.UnitID, b.CheckIn, b.CheckOut, b.ID)
	if err != nil {
		return nil, err
	}
	if len(held) > 0 {
		c := held[0]
		return &icalConflict{Type: "booking", ID: c.ID, Reference: c.Reference, Status: c.Status, CheckIn: c.CheckIn, CheckOut: c.CheckOut}, nil
	}
	blocks, err := tx.BlocksCovering(ctx, 0, b.UnitID, b.CheckIn, addDays(b.CheckOut, -1), 0)
	if err != nil {
		return nil, err
	}
	if len(blocks) > 0 {
		k := blocks[0]
		return &icalConflict{Type: "block", ID: k.ID, Kind: k.Kind, CheckIn: k.StartDate, CheckOut: addDays(k.EndDate, 1)}, nil
	}
	return nil, nil
}

// applyICal writes a feed's events to the source's unit in one
// transaction: new events become bookings (confirmed, or pending when
// they overlap a confirmed stay or a block → ical.conflict_detected),
// moved events move their booking, and events gone from the feed cancel
// theirs.
func (s *Service) applyICal(ctx context.Context, orgID, id int64, events []icalEvent) (*ICalSyncResult, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*ICalSyncResult, error) {
		src, err := tx.ICalSource(ctx, id)
		if err != nil {
			return nil, err
		}
		// The unit's lock serialises this with its other bookings and blocks.
		if _, err := tx.UnitForUpdate(ctx, src.UnitID); err != nil {
			return nil, err
		}
		res := &ICalSyncResult{Source: src, Events: len(events)}
		links, err := tx.ICalLinks(ctx, src.ID)
		if err != nil {
			return nil, err
		}
		byUID := map[string]*ICalLink{}
		for _, l := range links {
			byUID[l.UID] = l
		}
		echo, err := s.icalEchoes(ctx, tx, src)
		if err != nil {
			return nil, err
		}
		today := dateOf(now)
		for _, e := range events {
			if own, err := echo(e.UID); err != nil {
				return nil, err
			} else if own {
				// Left in byUID: a booking an echo made before is cancelled.
				res.Echoes++
				continue
			}
			link := byUID[e.UID]
			delete(byUID, e.UID)
			var b *Booking
			if link != nil {
				if b, err = tx.BookingForUpdate(ctx, link.BookingID); err != nil {
					return nil, err
				}
				if b.Status != BookingPending && b.Status != BookingConfirmed {
					res.Unchanged++ // its stay has begun, ended or been cancelled here: Porter's word stands
					continue
				}
				if b.CheckIn == e.CheckIn && b.CheckOut == e.CheckOut && link.ConflictDates == "" {
					res.Unchanged++
					continue
				}
			}
			if link == nil && e.CheckOut <= today {
				continue // a past stay: nothing to hold
			}
			if link == nil {
				link = &ICalLink{SourceID: src.ID, UID: e.UID}
			}
			changed, err := s.icalStay(ctx, tx, now, src, link, b, e, res)
			if err != nil {
				return nil, err
			}
			if !changed {
				res.Unchanged++
			}
			if err := tx.PutICalLink(ctx, link); err != nil {
				return nil, err
			}
		}
		for _, l := range byUID { // gone from the feed
			b, err := tx.BookingForUpdate(ctx, l.BookingID)
			if err != nil {
				return nil, err
			}
			if (b.Status == BookingPending || b.Status == BookingConfirmed) && b.CheckOut > today {
				before := *b
				b.Status, b.CancellationReason, b.CancelledAt, b.UpdatedAt = BookingCancelled, ICalRemovedReason, &now, now
				if err := tx.UpdateBooking(ctx, b); err != nil {
					return nil, err
				}
				if err := SyncBookingCleaning(ctx, tx, now, b, before.Status); err != nil {
					return nil, err
				}
				if err := recordBooking(ctx, tx, now, "booking.cancelled", b, &before); err != nil {
					return nil, err
				}
				res.Cancelled++
			}
			if err := tx.DeleteICalLink(ctx, src.ID, l.UID); err != nil {
				return nil, err
			}
		}
		src.Status, src.LastError, src.LastAttemptAt, src.LastSyncedAt, src.UpdatedAt = ICalOK, "", &now, &now, now
		if err := tx.UpdateICalSource(ctx, src); err != nil {
			return nil, err
		}
		return res, nil
	})
}

// icalStay creates (b nil) or moves an imported booking to e's dates.
func (s *Service) icalStay(ctx context.Context, tx Tx, now time.Time, src *ICalSource, link *ICalLink, b *Booking, e icalEvent, res *ICalSyncResult) (bool, error) {
	var before *Booking
	if b == nil {
		name := e.Summary
		if name == "" {
			name = src.Name
		}
		if len(name) > 200 {
			name = name[:200]
		}
		b = &Booking{Kind: BookingKindStay, Status: BookingConfirmed, Source: "ical", GuestName: name, GuestsCount: 1, PropertyID: src.PropertyID,
			UnitID: src.UnitID, CreatedAt: now, UpdatedAt: now, Notes: fmt.Sprintf("Imported from iCal source %d (%s), UID %s", src.ID, src.Name, e.UID)}
	} else {
		cp := *b
		before = &cp
	}
	b.CheckIn, b.CheckOut, b.Nights = e.CheckIn, e.CheckOut, int64(daysBetween(e.CheckIn, e.CheckOut))
	conflict, err := icalConflictWith(ctx, tx, b)
	if err != nil {
		return false, err
	}
	if conflict != nil {
		if b.Status == BookingConfirmed && before != nil {
			// A confirmed import cannot move onto taken nights: it is
			// cancelled, and the new dates wait as a pending booking.
			cp := *before
			cp.Status, cp.CancellationReason, cp.CancelledAt, cp.UpdatedAt = BookingCancelled, "moved in the iCal feed onto taken nights", &now, now
			if err := tx.UpdateBooking(ctx, &cp); err != nil {
				return false, err
			}
			if err := SyncBookingCleaning(ctx, tx, now, &cp, before.Status); err != nil {
				return false, err
			}
			if err := recordBooking(ctx, tx, now, "booking.cancelled", &cp, before); err != nil {
				return false, err
			}
			res.Cancelled++
			b = &Booking{Kind: BookingKindStay, Status: BookingPending, Source: "ical", GuestName: before.GuestName, GuestsCount: 1, PropertyID: src.PropertyID,
				UnitID: src.UnitID, CreatedAt: now, UpdatedAt: now, CheckIn: e.CheckIn, CheckOut: e.CheckOut, Notes: before.Notes}
			b.Nights = int64(daysBetween(e.CheckIn, e.CheckOut))
			before = nil
		}
		b.Status, b.ConfirmedAt = BookingPending, nil
	} else if b.Status == BookingPending {
		b.Status, b.ConfirmedAt = BookingConfirmed, &now
	} else if b.ConfirmedAt == nil {
		b.ConfirmedAt = &now
	}
	b.Currency = ""
	if err := b.price(ctx, tx, nil, nil); ErrorCode(err) == EINVALID && b.Currency == "" {
		b.Currency = src.Currency
		err = b.price(ctx, tx, nil, nil)
		if err != nil {
			return false, err
		}
	} else if err != nil {
		return false, err
	}
	if before == nil {
		if b.Reference, err = uniqueReference(ctx, tx); err != nil {
			return false, err
		}
		if err := tx.InsertBooking(ctx, b); err != nil {
			return false, fmt.Errorf("import booking: %w", err)
		}
		if err := SyncBookingCleaning(ctx, tx, now, b, ""); err != nil { // cleaning of the check-out
			return false, err
		}
		if err := recordBooking(ctx, tx, now, "booking.created", b, nil); err != nil {
			return false, err
		}
		if b.Status == BookingConfirmed {
			if err := recordBooking(ctx, tx, now, "booking.confirmed", b, nil); err != nil {
				return false, err
			}
		}
		res.Created++
	} else {
		typ := "booking.updated"
		if before.Status == BookingPending && b.Status == BookingConfirmed {
			typ = "booking.confirmed"
		}
		if unchanged(before, b) && conflictKey(conflict, e) == link.ConflictDates {
			return false, nil
		}
		b.UpdatedAt = now
		if err := tx.UpdateBooking(ctx, b); err != nil {
			return false, fmt.Errorf("import booking: %w", err)
		}
		if err := SyncBookingCleaning(ctx, tx, now, b, before.Status); err != nil {
			return false, err
		}
		if err := recordBooking(ctx, tx, now, typ, b, before); err != nil {
			return false, err
		}
		res.Updated++
	}
	link.BookingID = b.ID
	key := conflictKey(conflict, e)
	if conflict != nil && key != link.ConflictDates {
		res.Conflicts++
		data := map[string]any{
			"source":   src,
			"imported": map[string]any{"uid": e.UID, "summary": e.Summary, "check_in": e.CheckIn, "check_out": e.CheckOut, "booking": b},
			"existing": conflict,
		}
		if err := recordNested(ctx, tx, now, "ical.conflict_detected", "booking", b.ID, data, nil, nil); err != nil {
			return false, err
		}
	}
	link.ConflictDates = key
	return true, nil
}

// conflictKey is what a conflict was reported for: the imported dates
// and what they overlap; "" when there is none.
func conflictKey(c *icalConflict, e icalEvent) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("%s/%s %s-%d", e.CheckIn, e.CheckOut, c.Type, c.ID)
}

// SyncDueICalSources syncs, in every organization, each source not
// attempted for interval, claiming each source's run so that one node
// fetches it. Failures are recorded on the source and retried next time.
func (s *Service) SyncDueICalSources(ctx context.Context, interval time.Duration) (synced, failed int, err error) {
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, org := range orgs {
		var due []int64
		if err := s.Store.View(ctx, org.ID, func(tx Tx) error {
			due, err = tx.DueICalSources(ctx, s.now().Add(-interval+time.Second))
			return err
		}); err != nil {
			return synced, failed, err
		}
		for _, id := range due {
			if ctx.Err() != nil {
				return synced, failed, ctx.Err()
			}
			claimed := false
			if err := s.Store.Update(ctx, org.ID, func(tx Tx) error {
				now := s.now()
				claimed, err = tx.ClaimICalSource(ctx, id, now.Add(-interval+time.Second), now, now.Add(icalLease))
				return err
			}); err != nil {
				return synced, failed, err
			}
			if !claimed {
				continue
			}
			if _, err := s.SyncICalSource(ctx, org.ID, id); err != nil {
				if ErrorCode(err) != EUNPROCESS && ErrorCode(err) != ENOTFOUND {
					s.Logger.Warn("ical sync", "org", org.ID, "source", id, "err", err)
				}
				failed++
			} else {
				synced++
			}
			_ = s.Store.Update(ctx, org.ID, func(tx Tx) error { return tx.ReleaseICalSource(ctx, id) })
		}
	}
	return synced, failed, nil
}

// RunICalScheduler syncs the due sources every minute until ctx ends; a
// source is due once interval has passed since its last attempt. An
// interval of 0 or less turns scheduled imports off.
func (s *Service) RunICalScheduler(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	if interval <= 0 {
		return
	}
	tick := time.NewTicker(min(interval, time.Minute))
	defer tick.Stop()
	for {
		if n, f, err := s.SyncDueICalSources(ctx, interval); err != nil && ctx.Err() == nil {
			logger.Warn("ical scheduler", "err", err)
		} else if n+f > 0 {
			logger.Info("synced iCal sources", "ok", n, "failed", f)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
