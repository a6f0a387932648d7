//! Laying the HTML out on A4 pages ourselves, so every printed page can say "page N of M" and
//! page 1 can give each exception's page number, in any browser: every block's height is
//! estimated from Arial's widths (Liberation Sans has the same), never less than the browser
//! makes it, and a page is closed before its blocks could run over onto the next one. A table
//! that does not fit is continued on the next page under its heading and column headings.

/// The printable area of A4 landscape inside the page's margins (7 mm top and bottom, 10 mm
/// each side), in points.
pub const PAGE_WIDTH: f64 = 785.0;
pub const PAGE_HEIGHT: f64 = 555.5;

/// Every line is this many times its font size (`line-height` in the page's CSS).
pub const LINE: f64 = 1.2;

pub use crate::scorecard::metrics::lines;

/// Kept free at the foot of every page, for what the estimate cannot know (a font a little
/// wider than Arial, rounding of borders).
pub const SLACK: f64 = 14.0;

/// A paragraph of a cell or block: its text, size in points and weight.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub text: &'a str,
    pub size: f64,
    pub bold: bool,
}

impl<'a> Run<'a> {
    pub fn new(text: &'a str, size: f64) -> Run<'a> {
        Run {
            text,
            size,
            bold: false,
        }
    }

    pub fn bold(text: &'a str, size: f64) -> Run<'a> {
        Run {
            text,
            size,
            bold: true,
        }
    }
}

/// The height of paragraphs stacked in `width` points (an empty one takes no room).
pub fn height(runs: &[Run], line_width: f64) -> f64 {
    height_at(runs, line_width, LINE)
}

fn height_at(runs: &[Run], line_width: f64, line: f64) -> f64 {
    runs.iter()
        .filter(|r| !r.text.trim().is_empty())
        .map(|r| lines(r.text, r.size, r.bold, line_width) as f64 * r.size * line)
        .sum()
}

/// Padding above and below a table cell's text, and the border under it, in points (as the
/// page's CSS sets them).
pub const CELL_PAD: f64 = 1.5;
pub const CELL_SIDE_PAD: f64 = 3.0;
pub const BORDER: f64 = 0.75;

/// The height of a table row whose cells hold these paragraphs, the columns being `widths`
/// points wide (their text is narrower by the side padding).
pub fn row_height(cells: &[&[Run]], widths: &[f64]) -> f64 {
    row_height_at(cells, widths, LINE, CELL_PAD)
}

/// Page 1's table is set closer: lines of 1.15 times the font size, 1 point of padding (its
/// `dense` class).
pub const DENSE_LINE: f64 = 1.15;
pub const DENSE_PAD: f64 = 1.0;

pub fn dense_row_height(cells: &[&[Run]], widths: &[f64]) -> f64 {
    row_height_at(cells, widths, DENSE_LINE, DENSE_PAD)
}

fn row_height_at(cells: &[&[Run]], widths: &[f64], line: f64, pad: f64) -> f64 {
    cells
        .iter()
        .zip(widths)
        .map(|(runs, w)| height_at(runs, w - 2.0 * CELL_SIDE_PAD - BORDER, line))
        .fold(0.0, f64::max)
        + 2.0 * pad
        + BORDER
}

/// Something placed on a page whole: its HTML and its estimated height in points.
#[derive(Debug, Clone)]
pub struct Block {
    pub html: String,
    pub height: f64,
}

/// A table that may run over several pages: its opening (`<table>`, columns and headings, up
/// to `<tbody>`), repeated on each page it reaches, and its rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub head: String,
    pub head_height: f64,
    pub rows: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Block(Block),
    Table(Table),
}

/// Pages that belong together: they start on a new page with `heading`, and a page they run
/// onto opens with `continued` (the heading, said to be continued).
#[derive(Debug, Clone)]
pub struct Section {
    pub heading: Block,
    pub continued: Block,
    pub items: Vec<Item>,
}

/// The pages laid out: each page's body, and the page each section starts on (0 first).
#[derive(Debug, Clone, Default)]
pub struct Laid {
    pub pages: Vec<String>,
    pub starts: Vec<usize>,
}

struct Paginator {
    budget: f64,
    laid: Laid,
    body: String,
    used: f64,
}

impl Paginator {
    fn close(&mut self) {
        self.laid.pages.push(std::mem::take(&mut self.body));
        self.used = 0.0;
    }

    fn put(&mut self, html: &str, height: f64) {
        self.body.push_str(html);
        self.used += height;
    }

    fn fits(&self, height: f64) -> bool {
        self.used + height <= self.budget
    }

    /// A new page continuing `section`.
    fn turn(&mut self, section: &Section) {
        self.close();
        self.put(&section.continued.html, section.continued.height);
    }

    fn block(&mut self, section: &Section, b: &Block) {
        // A block taller than a whole page goes on its own page (it cannot be cut); any other
        // starts a new one when it does not fit.
        if !self.fits(b.height) && self.used > section.continued.height {
            self.turn(section);
        }
        self.put(&b.html, b.height);
    }

    fn table(&mut self, section: &Section, t: &Table) {
        let first_row = t.rows.first().map_or(0.0, |r| r.height);
        if !self.fits(t.head_height + first_row) && self.used > section.continued.height {
            self.turn(section);
        }
        self.put(&t.head, t.head_height);
        for row in &t.rows {
            if !self.fits(row.height) {
                self.body.push_str("</tbody></table>");
                self.turn(section);
                self.put(&t.head, t.head_height);
            }
            self.put(&row.html, row.height);
        }
        self.body.push_str("</tbody></table>");
    }
}

/// Lays sections out on pages of `budget` points, each section from a new page.
pub fn paginate(sections: &[Section], budget: f64) -> Laid {
    let mut p = Paginator {
        budget,
        laid: Laid::default(),
        body: String::new(),
        used: 0.0,
    };
    for (k, section) in sections.iter().enumerate() {
        if k > 0 {
            p.close();
        }
        p.laid.starts.push(p.laid.pages.len());
        p.put(&section.heading.html, section.heading.height);
        for item in &section.items {
            match item {
                Item::Block(b) => p.block(section, b),
                Item::Table(t) => p.table(section, t),
            }
        }
    }
    p.close();
    p.laid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_add_up_the_lines_and_the_padding() {
        let runs = [Run::new("a", 10.0), Run::new("", 10.0), Run::new("b", 8.0)];
        assert!((height(&runs, 100.0) - (12.0 + 9.6)).abs() < 1e-9);
        let h = row_height(&[&runs, &[Run::new("c", 10.0)]], &[100.0, 100.0]);
        assert!((h - (21.6 + 2.0 * CELL_PAD + BORDER)).abs() < 1e-9);
    }

    fn block(h: f64) -> Block {
        Block {
            html: format!("[{h}]"),
            height: h,
        }
    }

    #[test]
    fn pages_close_before_they_overflow_and_tables_continue_under_their_headings() {
        let section = |items: Vec<Item>| Section {
            heading: block(10.0),
            continued: Block {
                html: "(cont)".into(),
                height: 10.0,
            },
            items,
        };
        let table = Table {
            head: "<table>".into(),
            head_height: 5.0,
            rows: (0..5).map(|_| block(20.0)).collect(),
        };
        let laid = paginate(
            &[
                section(vec![Item::Block(block(50.0)), Item::Table(table)]),
                section(vec![Item::Block(block(30.0)), Item::Block(block(200.0))]),
            ],
            100.0,
        );
        // Page 1: heading 10, block 50, table head 5, row 20 = 85; the next row would be 105.
        assert_eq!(laid.pages[0], "[10][50]<table>[20]</tbody></table>");
        // Page 2: continued 10, head 5, the four rows left = 95.
        assert_eq!(
            laid.pages[1],
            "(cont)<table>[20][20][20][20]</tbody></table>"
        );
        // The second section starts a page; a block taller than a page stands alone.
        assert_eq!(laid.starts, vec![0, 2]);
        assert_eq!(laid.pages[2], "[10][30]");
        assert_eq!(laid.pages[3], "(cont)[200]");
        assert_eq!(laid.pages.len(), 4);
    }
}
