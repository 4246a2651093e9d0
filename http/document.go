package http

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"porter"
)

type documentView = porter.Document

// documentUpload documents the multipart form of POST /v1/documents.
type documentUpload struct {
	File    string `json:"file"`     // the file part, required
	Title   string `json:"title"`    // default: the file name
	Scope   string `json:"scope"`    // property | unit | tenant | lease | work_order
	ScopeID int64  `json:"scope_id"` // the record's id
}

const (
	maxFieldBytes = 64 << 10 // a text field of the upload form
	formOverhead  = 1 << 20  // headers and fields around the file
)

// DefaultMaxUploadBytes is a document's size limit unless configured.
const DefaultMaxUploadBytes = 10 << 20

// UnsupportedMedia is the error code Receive gives a body that is not
// multipart/form-data.
const UnsupportedMedia = eUnsupportedMedia

// DocumentFiles keeps documents' bytes on disk, one directory per
// organization. The API and the console both upload and download through
// it, so both enforce the same limits and sniff types the same way.
type DocumentFiles struct {
	Dir      string // "": no upload directory, uploads fail
	MaxBytes int64  // a file's limit; 0 is DefaultMaxUploadBytes
}

func (s *Server) files() DocumentFiles {
	return DocumentFiles{Dir: s.cfg.UploadDir, MaxBytes: s.cfg.MaxUploadBytes}
}

// orgDir is where an organization's files are kept.
func (f DocumentFiles) orgDir(org int64) (string, error) {
	if f.Dir == "" {
		return "", errors.New("documents: no upload directory configured")
	}
	return filepath.Join(f.Dir, strconv.FormatInt(org, 10)), nil
}

func (f DocumentFiles) limit() int64 {
	if f.MaxBytes <= 0 {
		return DefaultMaxUploadBytes
	}
	return f.MaxBytes
}

// handleUploadDocument streams the file to a temporary name in the
// organization's directory, hashing and sniffing it on the way, then records
// the document; the file takes its final name inside that transaction. Any
// failure leaves no file, no row and no event.
func (s *Server) handleUploadDocument() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		r = r.WithContext(answering(r, data1[*porter.Document]))
		doc, err := s.files().Receive(w, r, s.svc, orgID(r))
		if err != nil {
			return err
		}
		return encode(w, r, data{doc})
	}
}

// Receive reads a multipart upload (fields file, title, scope, scope_id)
// into org's directory and records it as a document through svc. The file
// is streamed to a temporary name, hashed and sniffed on the way, and takes
// its final name inside the transaction that records it: any failure leaves
// no file, no row and no event. A body that is not multipart/form-data is
// an error with code "unsupported_media_type"; one over the limit, ETOOLARGE.
func (f DocumentFiles) Receive(w http.ResponseWriter, r *http.Request, svc *porter.Service, org int64) (*porter.Document, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/form-data" {
		return nil, &porter.Error{Code: eUnsupportedMedia, Message: fmt.Sprintf("Content-Type must be multipart/form-data with the file in a field named file, not %q", ct)}
	}
	if params["boundary"] == "" {
		return nil, porter.Errorf(porter.EINVALID, "multipart/form-data needs a boundary parameter")
	}
	dir, err := f.orgDir(org)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	limit := f.limit()
	body := http.MaxBytesReader(w, r.Body, limit+formOverhead)
	up, err := readUpload(multipart.NewReader(body, params["boundary"]), dir, limit)
	if up.tmp != "" {
		defer os.Remove(up.tmp) // gone already once placed
	}
	if err != nil {
		return nil, err
	}

	key, err := randomKey()
	if err != nil {
		return nil, err
	}
	final := filepath.Join(dir, key)
	placed := false
	doc, err := svc.CreateDocument(r.Context(), org, porter.Document{
		Title: up.title, Scope: up.scope, ScopeID: up.scopeID, FileName: up.fileName, ContentType: up.contentType,
		Size: up.size, SHA256: up.sha256, StorageKey: key,
	}, func(*porter.Document) error {
		if err := os.Rename(up.tmp, final); err != nil {
			return err
		}
		placed = true
		return nil
	})
	if err != nil {
		if placed {
			// Placed but not committed: the row is gone, so the file goes.
			os.Remove(final)
		}
		return nil, err
	}
	return doc, nil
}

// upload is what was read from the form.
type upload struct {
	tmp         string // the temporary file, "" if none was created
	fileName    string
	contentType string
	size        int64
	sha256      string
	title       string
	scope       string
	scopeID     int64
}

func readUpload(mr *multipart.Reader, dir string, limit int64) (upload, error) {
	var up upload
	var v porter.Validation
	sawFile := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return up, uploadError(err, limit)
		}
		name := part.FormName()
		switch name {
		case "file":
			if sawFile {
				return up, fieldError("file", "must be given once: one document per upload")
			}
			sawFile = true
			if part.FileName() == "" {
				return up, fieldError("file", "must be a file part, with a filename")
			}
			up.fileName = cleanFileName(part.FileName())
			if err := saveTemp(&up, part, dir, limit); err != nil {
				return up, err
			}
		case "title", "scope", "scope_id":
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return up, uploadError(err, limit)
			}
			if len(b) > maxFieldBytes {
				return up, fieldError(name, fmt.Sprintf("must be at most %d bytes", maxFieldBytes))
			}
			val := strings.TrimSpace(string(b))
			if !utf8.ValidString(val) || strings.ContainsRune(val, 0) {
				return up, fieldError(name, "must be valid UTF-8 text without NUL characters")
			}
			switch name {
			case "title":
				up.title = val
			case "scope":
				up.scope = val
			case "scope_id":
				if val != "" {
					n, err := strconv.ParseInt(val, 10, 64)
					if err != nil || n <= 0 {
						v.Add("scope_id", "must be a positive integer")
					}
					up.scopeID = n
				}
			}
		default:
			if name == "" {
				v.Add("form", "has a part without a field name")
			} else {
				v.Add(name, "is not a known field")
			}
		}
		part.Close()
	}
	if !sawFile {
		v.Add("file", "is required: send the document as a multipart file field named file")
	}
	return up, v.Err()
}

// saveTemp copies the file part to a temporary file, at most limit bytes.
func saveTemp(up *upload, part io.Reader, dir string, limit int64) error {
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	up.tmp = f.Name()
	h := sha256.New()
	sniff := &headBuffer{max: 512}
	n, err := io.Copy(io.MultiWriter(f, h, sniff), io.LimitReader(part, limit+1))
	if err == nil && n > limit {
		err = &http.MaxBytesError{Limit: limit}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return uploadError(err, limit)
	}
	if n == 0 {
		return fieldError("file", "is empty")
	}
	up.size, up.sha256 = n, hex.EncodeToString(h.Sum(nil))
	up.contentType = http.DetectContentType(sniff.b)
	return nil
}

// uploadError turns a failure to read the upload into the client's error:
// too large is 413, a broken form 400.
func uploadError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return porter.Errorf(porter.ETOOLARGE, "the file is larger than the upload limit of %d bytes", limit)
	}
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return fmt.Errorf("upload: %w", err)
	}
	return porter.Errorf(porter.EINVALID, "could not read the multipart form: %v", err)
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	b   []byte
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// cleanFileName keeps a client's file name printable and path-free.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "document"
	}
	return name
}

func randomKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("document key: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func (s *Server) handleListDocuments() handlerFunc {
	return listOf(s, func(q *query) porter.DocumentFilter {
		return porter.DocumentFilter{ListParams: q.list(), Scope: q.str("scope", porter.DocumentScopes...), ScopeID: q.id("scope_id")}
	}, s.svc.Documents)
}

// handleDownloadDocument streams the file with the type it was sniffed as,
// as an attachment so that browsers do not render it in Porter's origin.
func (s *Server) handleDownloadDocument() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "document")
		if err != nil {
			return err
		}
		org := orgID(r)
		doc, err := s.svc.Document(r.Context(), org, id)
		if err != nil {
			return err
		}
		return s.files().Serve(w, r, org, doc)
	}
}

// Serve sends org's document doc: the type it was sniffed as, nosniff, and
// as an attachment, so that a browser never renders it in Porter's origin.
func (f DocumentFiles) Serve(w http.ResponseWriter, r *http.Request, org int64, doc *porter.Document) error {
	dir, err := f.orgDir(org)
	if err != nil {
		return err
	}
	file, err := os.Open(filepath.Join(dir, doc.StorageKey))
	if err != nil {
		return fmt.Errorf("document %d: open file: %w", doc.ID, err)
	}
	defer file.Close()
	h := w.Header()
	h.Set("Content-Type", doc.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+doc.SHA256+`"`)
	http.ServeContent(w, r, "", doc.CreatedAt, file)
	return nil
}
