// Package docfile judges the documents the media library accepts as
// attachments: PDF, Word 97-2003 (.doc) and Word (.docx). It reads bytes
// only, as package imaging does images: the file's name and the declared
// type play no part in what Sniff finds, and Check refuses a file whose
// bytes are not the type it was declared as.
//
// Nothing is decompressed or rendered: a PDF is its "%PDF-" header, a DOC
// the OLE2 compound file signature, a DOCX a ZIP whose central directory
// (read with archive/zip after a bounded walk of its own, so that a
// directory of 100,000 entries is refused before anything is allocated for
// it) names [Content_Types].xml and an entry under word/.
package docfile
