// Package site is the reader site: the portal's pages as readers meet them,
// rendered on the server with html/template from the same store the JSON API
// reads, by the site function (functions/site).
//
// Pages: the home page (/), an article (/bai-viet/{slug}), a category
// (/chuyen-muc/{slug}, paged both ways with the list cursor), most read
// (/doc-nhieu), a poll with its results (/binh-chon/{id}), search
// results (/tim-kiem, from the search box every page's header has), the
// legal documents ("Văn bản": /van-ban with its filters, /van-ban/{slug});
// feeds (/rss.xml, /chuyen-muc/{slug}/rss.xml, /van-ban/rss.xml),
// /sitemap.xml and /robots.txt; the
// embedded static files under content-hashed names (/static/...); the JSON
// API's OpenAPI document (/openapi.yaml) and a reference page built from it
// (/docs). Every other address gets the Vietnamese 404 page.
//
// The site reads and never writes. The poll form posts to the polls
// function (POST /binh-chon/{id}), and the view beacon and the JavaScript
// vote go to the JSON API, so write permissions stay where they are. The
// sidebar (categories, links, open poll, most read) and the short lists a
// page shows beside its content are kept in the instance for SidebarTTL: a
// warm article page costs one DynamoDB read.
//
// Every page is built to work without JavaScript; site.js (a few kilobytes,
// no framework) only adds the view beacon, the in-place vote and the print
// button. The Content-Security-Policy allows no inline script or style.
package site
