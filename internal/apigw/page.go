package apigw

// Page is one page of a list as every list route answers it:
// {"items": […], "nextCursor": "…"}. Build it with NewPage, which makes
// items a JSON array even when there are none; nextCursor is left out on
// the last page, so a list served whole is a page without one.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// NewPage returns the page of items whose following page starts at next
// ("" when this page is the last).
func NewPage[T any](items []T, next string) Page[T] {
	if items == nil {
		items = []T{}
	}
	return Page[T]{Items: items, NextCursor: next}
}
