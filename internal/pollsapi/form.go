package pollsapi

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

// FormPath is where the reader site shows poll id and its results, and where
// its poll form posts: /binh-chon/{id}.
func FormPath(id string) string { return "/binh-chon/" + id }

// WithBasePath sets the public path prefix ("/tin-tuc"; default none) the
// form's redirects and the voter cookie's Path carry: behind an edge that
// serves the site under a prefix, requests arrive without it, but the
// browser must be sent back under it.
func WithBasePath(p string) Option { return func(h *Handler) { h.basePath = p } }

// FormErrorParam is the query parameter of the results page that names why a
// form vote was refused: /binh-chon/{id}?loi=<code>.
const FormErrorParam = "loi"

// The codes voteForm puts in FormErrorParam; FormErrors holds the message
// the page shows for each.
const (
	FormErrorNoChoice     = "chua-chon"    // no option chosen (JSON: 400)
	FormErrorChoice       = "lua-chon"     // unknown, repeated or too many options (JSON: 400)
	FormErrorAlreadyVoted = "da-binh-chon" // this voter's vote was counted before (JSON: 409 already_voted)
	FormErrorClosed       = "da-dong"      // the poll is closed (JSON: 409 poll_closed)
	FormErrorNotOpen      = "chua-mo"      // the poll is not open yet (JSON: 409 poll_not_open)
	FormErrorTooMany      = "qua-nhieu"    // the address reached the poll's cap (JSON: 429)
)

// FormErrors maps each form error code to the Vietnamese message the reader
// site shows for it. A code that is not a key here is not one of ours: the
// page ignores it. Read only.
var FormErrors = map[string]string{
	FormErrorNoChoice:     "Bạn chưa chọn phương án nào.",
	FormErrorChoice:       "Lựa chọn không hợp lệ. Vui lòng chọn lại.",
	FormErrorAlreadyVoted: "Bạn đã bình chọn trong cuộc thăm dò này.",
	FormErrorClosed:       "Cuộc thăm dò đã kết thúc.",
	FormErrorNotOpen:      "Cuộc thăm dò chưa bắt đầu.",
	FormErrorTooMany:      "Đã có quá nhiều lượt bình chọn từ mạng của bạn trong cuộc thăm dò này.",
}

// formType is the one Content-Type the form route takes.
const formType = "application/x-www-form-urlencoded"

// formChoice is the form field that holds a chosen option id: once for a
// radio-button poll, once per ticked box for a multi-choice poll.
const formChoice = "choice"

// voteForm serves POST /binh-chon/{id}: the reader site's poll form, which
// works without JavaScript. The body is application/x-www-form-urlencoded
// (charset=utf-8 is the only parameter allowed, else 415; at most
// apigw.MaxBody bytes, else 413) with a choice=<option id> field per chosen
// option; other fields are ignored. The vote is counted by castVote, exactly
// as for POST /polls/{id}/votes, with the token from the eportal_voter
// cookie.
//
// Answers, all Cache-Control: no-store and carrying the voter cookie when a
// token was issued:
//
//   - counted: 303 See Other to the results page, FormPath(id) (under the
//     base path, WithBasePath);
//   - refused for a reason the page can explain: 303 to
//     FormPath(id)?loi=<code>, code one of FormErrors' keys; nothing changes;
//   - no such poll (404), a body that is not a form (400, 413, 415),
//     DynamoDB busy (503 with Retry-After), anything else (500): a small
//     Vietnamese HTML page with that status.
//
// Unlike the JSON route, a cookie that does not verify (forged, altered, of
// another deployment, expired) is dropped and a new token issued: a browser
// cannot repair its cookie, and a 400 would leave the reader stuck until the
// cookie expires. The vote then counts as a new voter's, as it would after
// the reader cleared their cookies; the poll's address dedupe policy and
// votesPerAddress cap still apply.
//
// Cross-site posts are refused with 403 before anything is read or counted
// (crossSite): otherwise any other site could make its visitors' browsers
// vote — each a new voter from their own address, past the address dedupe
// and cap — and reset their voter cookies. The JSON route is not exposed
// this way: its Content-Type needs a CORS preflight, which only the
// configured origins pass.
func (h *Handler) voteForm(ctx context.Context, req apigw.Request) apigw.Response {
	if crossSite(req) {
		return h.formPage(ctx, portal.Errorf(portal.EFORBIDDEN, "Cross-site form posts are refused."))
	}
	id, err := pollID(req)
	if err != nil {
		return h.formPage(ctx, err)
	}
	choices, err := formChoices(req)
	if err != nil {
		return h.formPage(ctx, err)
	}
	c := h.castVote(ctx, req, id, choices, true)
	var resp apigw.Response
	switch code, refused := formError(c.err, choices); {
	case c.err == nil:
		resp = seeOther(h.basePath + FormPath(id))
	case refused:
		resp = seeOther(h.basePath + FormPath(id) + "?" + FormErrorParam + "=" + code)
	default:
		resp = h.formPage(ctx, c.err)
	}
	if c.issued != "" {
		resp.Cookies = append(resp.Cookies, voter.SetCookie(c.issued, h.basePath))
	}
	return resp
}

// formError returns the form error code for castVote's err, and whether
// there is one (no for nil, and for errors the page cannot explain).
func formError(err error, choices []string) (string, bool) {
	switch portal.ErrorCode(err) {
	case portal.EINVALID:
		// The token cannot be the cause: the form route drops a bad one.
		if len(choices) == 0 {
			return FormErrorNoChoice, true
		}
		return FormErrorChoice, true
	case portal.EALREADYVOTED:
		return FormErrorAlreadyVoted, true
	case portal.EPOLLCLOSED:
		return FormErrorClosed, true
	case portal.EPOLLNOTOPEN:
		return FormErrorNotOpen, true
	case portal.ETOOMANY:
		return FormErrorTooMany, true
	}
	return "", false
}

// formChoices returns the choice fields of req's form body, in order. An
// empty body is a form with nothing chosen. Errors: EMEDIATYPE when the
// Content-Type is not formType (with at most charset=utf-8); ETOOLARGE over
// apigw.MaxBody bytes (checked before base64 decoding too, as DecodeJSON
// does); EINVALID for bad base64 or a body that is not form encoding.
func formChoices(req apigw.Request) ([]string, error) {
	body, err := apigw.ReadBody(req, formType)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, portal.Errorf(portal.EINVALID, "request body is not a form (%s).", formType)
	}
	return form[formChoice], nil
}

// seeOther is a 303 to location: the browser GETs it.
func seeOther(location string) apigw.Response {
	return apigw.Response{StatusCode: http.StatusSeeOther, Headers: map[string]string{
		"Location":               location,
		"Cache-Control":          apigw.NoStore,
		"X-Content-Type-Options": "nosniff",
	}}
}

// pageMessages are the texts of formPage by status; other statuses get
// pageFallback.
var pageMessages = map[int]string{
	http.StatusBadRequest:            "Dữ liệu gửi lên không hợp lệ.",
	http.StatusForbidden:             "Chỉ bình chọn được từ trang của cổng thông tin.",
	http.StatusNotFound:              "Không tìm thấy cuộc thăm dò.",
	http.StatusRequestEntityTooLarge: "Dữ liệu gửi lên quá lớn.",
	http.StatusUnsupportedMediaType:  "Dữ liệu gửi lên không đúng định dạng biểu mẫu.",
	http.StatusServiceUnavailable:    "Hệ thống đang bận, vui lòng thử lại sau giây lát.",
}

const pageFallback = "Đã có lỗi xảy ra, vui lòng thử lại sau."

// formPage answers a form post the results page cannot explain: err's
// status with a minimal Vietnamese HTML page, no-store; 503 with
// Retry-After. Like apigw.Error, it logs 5xx with their cause, which never
// reaches the page.
func (h *Handler) formPage(ctx context.Context, err error) apigw.Response {
	code := portal.ErrorCode(err)
	status := apigw.StatusFor(code)
	if status >= 500 {
		h.log.ErrorContext(ctx, "request failed", "code", code, "err", err)
	}
	msg, ok := pageMessages[status]
	if !ok {
		msg = pageFallback
	}
	msg = html.EscapeString(msg)
	resp := apigw.Response{
		StatusCode: status,
		Headers: map[string]string{
			"Content-Type":           "text/html; charset=utf-8",
			"Cache-Control":          apigw.NoStore,
			"X-Content-Type-Options": "nosniff",
		},
		Body: "<!doctype html>\n<html lang=\"vi\">\n<meta charset=\"utf-8\">\n<title>" +
			strings.TrimSuffix(msg, ".") + "</title>\n<p>" + msg + "</p>\n</html>\n",
	}
	if status == http.StatusServiceUnavailable {
		resp.Headers["Retry-After"] = "1"
	}
	return resp
}

// crossSite reports whether a form post comes from a page of another site,
// as Go's http.CrossOriginProtection decides it: browsers send
// Sec-Fetch-Site (cross-site, same-site, same-origin, none) on every
// request; older ones only Origin, which must then name the request's own
// host (X-Forwarded-Host behind the edge). A request with neither is not
// from a browser's form on another site (curl, a server): it is let
// through, and the vote is deduped as any.
func crossSite(req apigw.Request) bool {
	switch apigw.Header(req, "Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "":
	default:
		return true
	}
	origin := apigw.Header(req, "Origin")
	if origin == "" {
		return false
	}
	// Behind the edge (CloudFront) the function sees the API's own host;
	// the distribution passes the reader's in X-Forwarded-Host, which a
	// form on another site cannot set.
	host := apigw.Header(req, "X-Forwarded-Host")
	if host == "" {
		host = apigw.Header(req, "Host")
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, host)
}
