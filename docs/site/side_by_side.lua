-- Pandoc filter: lays out the chapters' Go | Python | C++ programs in columns.
--
-- The Markdown of docs/learn shows an idiom as three code blocks one after the
-- other, each with its output block and with a few paragraphs between them
-- that introduce the next language. Read as Markdown that is fine; in a
-- browser the three belong side by side. This filter finds such a run and
-- wraps it in <div class="side-by-side"> with one <div class="column"> per
-- language:
--
--   * a run starts at a code block in one of LANGUAGES and goes on while each
--     next code block is in a language not yet in the run;
--   * a column is its code block, the `output` blocks right after it, and the
--     paragraphs just before it that lead to it (at most MAX_LEAD of them,
--     and only from the second column on: the prose before the first block
--     introduces the whole idiom);
--   * a heading, a code block in a language already in the run, or anything
--     else (a list, a table) ends the run; what follows the last column's
--     outputs (the "What differs" prose, an output block that all three share
--     after a sentence that says so) stays below, full width.
--
-- A run of one language is left alone. The Markdown is the source: nothing
-- here changes what a reader of the .md files sees.

local LANGUAGES = { go = "Go", python = "Python asyncio", cpp = "C++ with gofer" }
local MAX_LEAD = 3

local function language_of(block)
  if block.t ~= "CodeBlock" then
    return nil
  end
  for _, class in ipairs(block.classes) do
    if LANGUAGES[class] then
      return class
    end
  end
  return nil
end

local function is_output(block)
  return block.t == "CodeBlock" and block.classes:includes("output")
end

local function column(language, blocks)
  local title = pandoc.Div({ pandoc.Plain({ pandoc.Str(LANGUAGES[language]) }) },
    pandoc.Attr("", { "lang-column-title" }))
  table.insert(blocks, 1, title)
  return pandoc.Div(blocks, pandoc.Attr("", { "lang-column", "lang-column-" .. language }))
end

-- Tries to read a run that starts at blocks[i]; returns the side-by-side Div
-- and the index after the run, or nil when there is no run of two languages.
local function read_run(blocks, i)
  local first = language_of(blocks[i])
  if not first then
    return nil
  end
  local seen, columns = { [first] = true }, {}
  local current, current_language = { blocks[i] }, first
  local j = i + 1
  while j <= #blocks do
    -- the outputs of the current column
    while j <= #blocks and is_output(blocks[j]) do
      table.insert(current, blocks[j])
      j = j + 1
    end
    -- lead-in paragraphs, then the next language's block
    local k = j
    while k <= #blocks and k - j < MAX_LEAD and blocks[k].t == "Para" do
      k = k + 1
    end
    local next_language = blocks[k] and language_of(blocks[k])
    if not next_language or seen[next_language] then
      break
    end
    table.insert(columns, column(current_language, current))
    current, current_language = {}, next_language
    for lead = j, k do
      table.insert(current, blocks[lead])
    end
    seen[next_language] = true
    j = k + 1
  end
  if #columns == 0 then
    return nil
  end
  table.insert(columns, column(current_language, current))
  local classes = { "side-by-side", "columns-" .. #columns }
  return pandoc.Div(columns, pandoc.Attr("", classes)), j
end

local function Pandoc(document)
  local out, i = {}, 1
  local blocks = document.blocks
  while i <= #blocks do
    local run, after = read_run(blocks, i)
    if run then
      table.insert(out, run)
      i = after
    else
      table.insert(out, blocks[i])
      i = i + 1
    end
  end
  document.blocks = out
  return document
end

-- Links. The build renders every page of docs/ and passes, per page, two
-- metadata strings: `rendered`, the other pages as this page links to them
-- (paths relative to it, separated by spaces), and `source_prefix`, the
-- path from the rendered page back to the folder of its Markdown source. A
-- link to a rendered page becomes a link to its .html; a link to anything
-- else in the repository (a source file, the README) points into the source
-- tree, so that it still opens.
local rendered, source_prefix = {}, nil

local function Meta(meta)
  if meta.rendered then
    for path in pandoc.utils.stringify(meta.rendered):gmatch("%S+") do
      rendered[path] = true
    end
  end
  if meta.source_prefix then
    source_prefix = pandoc.utils.stringify(meta.source_prefix)
  end
end

local function Link(link)
  local path, anchor = link.target:match("^([^#]*)(.*)$")
  if path == "" or path:match("^%a[%w+.-]*:") or path:match("^/") then
    return nil
  end
  if rendered[path] then
    link.target = path:gsub("%.md$", ".html") .. anchor
  elseif source_prefix then
    link.target = source_prefix .. "/" .. path .. anchor
  end
  return link
end

return { { Meta = Meta }, { Link = Link, Pandoc = Pandoc } }
