//! Generated postings: a deterministic pseudo-random generator and postings of
//! known kinds built from templates, for tests over many rows.

/// A tiny deterministic pseudo-random generator (xorshift64*), so generated
/// fixtures are identical on every run without extra dependencies.
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The kind of posting a generated row was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Clearly Product Owner.
    Po,
    /// Clearly Product Manager.
    Pm,
    /// Both.
    Hybrid,
    /// Neither role: a posting for another job (a Data Engineer), which popm
    /// labels `other`.
    OtherJob,
    /// Tricky text: markup, quotes, line breaks, non-ASCII, empty.
    Tricky,
}

fn extra(pool: &[&str], k: usize, rng: &mut Rng) -> String {
    (0..k).map(|_| rng.pick(pool)).collect::<Vec<_>>().join(" ")
}

/// Generates `n` postings (`id,title,description`, header first) from a few
/// templates with varying content; returns the CSV rows and each row's kind.
pub fn generate_postings(n: usize, seed: u64) -> (Vec<Vec<String>>, Vec<Kind>) {
    let mut rng = Rng::new(seed);
    let teams = [
        "Payments",
        "Search",
        "Onboarding",
        "Logistics",
        "Kundenportal",
        "Café Orders",
        "Data Platform",
    ];
    let po_extra = [
        "You write user stories with clear acceptance criteria.",
        "You lead sprint planning and the sprint review.",
        "Keep the definition of done up to date.",
        "Run backlog refinement every week with the dev team.",
        "CSPO or PSPO certification is a plus.",
    ];
    let pm_extra = [
        "You run market research and competitive analysis.",
        "Own pricing and the go-to-market plan with Sales.",
        "Define OKRs and report on revenue growth.",
        "Lead customer discovery interviews to find unmet needs.",
        "Build the business case for new product lines.",
    ];
    let filler = [
        "We offer 30 days of vacation.",
        "Hybrid work, two days in the office.",
        "Salary: €60,000 – €75,000.",
        "We welcome applications from everyone.",
        "Our office is next to the station; lunch is on us on Fridays.",
    ];
    let mut rows = vec![vec![
        "id".to_string(),
        "title".to_string(),
        "description".to_string(),
    ]];
    let mut kinds = Vec::with_capacity(n);
    for i in 0..n {
        let team = rng.pick(&teams);
        let kind = match rng.below(10) {
            0..=2 => Kind::Po,
            3..=5 => Kind::Pm,
            6 => Kind::Hybrid,
            7 => Kind::OtherJob,
            _ => Kind::Tricky,
        };
        let (title, desc) = match kind {
            Kind::Po => (
                format!("Product Owner, {team}"),
                format!(
                    "As a Product Owner for the {team} team you own the product backlog. {} {}",
                    extra(&po_extra, 1 + rng.below(3), &mut rng),
                    rng.pick(&filler)
                ),
            ),
            Kind::Pm => (
                format!("Product Manager – {team}"),
                format!(
                    "We are hiring a Product Manager to set the product vision for {team}. {} {}",
                    extra(&pm_extra, 1 + rng.below(3), &mut rng),
                    rng.pick(&filler)
                ),
            ),
            Kind::Hybrid => (
                "Product Owner / Product Manager".to_string(),
                format!(
                    "Own the product strategy and roadmap for {team}, and the product backlog too. {} {}",
                    extra(&po_extra, 2, &mut rng),
                    extra(&pm_extra, 2, &mut rng)
                ),
            ),
            Kind::OtherJob => (
                "Data Engineer".to_string(),
                format!(
                    "Build data pipelines for {team} in Python and SQL. {}",
                    rng.pick(&filler)
                ),
            ),
            Kind::Tricky => {
                let body = match rng.below(6) {
                    0 => format!(
                        "<p>As <strong>Product&nbsp;Owner</strong> for {team} you own the \
                         product&nbsp;backlog &amp; the sprint goal.</p>"
                    ),
                    1 => format!(
                        "## {team}\n\n- **Product strategy** and [our jobs](https://jobs.example/product-manager)\n\
                         - market research, \"pricing\", and GTM"
                    ),
                    2 => format!(
                        "Line one for {team}\r\nYou will work closely with the Product Manager,\r\n\
                         and write user stories; \"quoted\" words, commas, semicolons."
                    ),
                    3 => format!(
                        "Für {team}: Du verantwortest das Product Backlog und schreibst User \
                         Stories mit Akzeptanzkriterien. 🚀 Größe, Übermut, naïve café."
                    ),
                    4 => String::new(),
                    _ => format!("Meeting at 5 PM for the {team} team; bring snacks."),
                };
                ("Misc".to_string(), body)
            }
        };
        rows.push(vec![format!("g{i:05}"), title, desc]);
        kinds.push(kind);
    }
    (rows, kinds)
}
