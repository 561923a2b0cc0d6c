// Footnote numbers and marks as the style sheet asks (footnote.numbering,
// footnote.marks): the references and notes of the documents renumbered
// before they are set, and the mark each number prints as.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "doc/document.h"
#include "style/style.h"

namespace moyin::typeset {

// Whether the documents' notes must be renumbered or marked before setting
// (false: the numbers the parser gave, in superscript digits, stand).
bool notes_need_numbering(std::span<const doc::Document> chapters, const style::NoteStyle& ns);

// Per chapter, note id -> its number on the page where it starts (from a
// first layout), for `footnote.numbering: page`.
using PageNumbers = std::vector<std::map<std::string, int>>;

// A copy of `chapters` whose note references and notes carry the sheet's
// numbers (document: on through the book; chapter: from 1 in each; page:
// from `page_numbers`, where known) and whose references carry their mark as
// text.
std::vector<doc::Document> number_notes(std::span<const doc::Document> chapters,
                                        const style::NoteStyle& ns,
                                        const PageNumbers* page_numbers = nullptr);

// The key block layout gives a chapter's note (FootNote::key): which
// chapter, which note.
std::string note_key(size_t chapter, const std::string& id);

}  // namespace moyin::typeset
