//! The module graph's arithmetic: reachability, import cycles, and the lowest layer each module can sit in.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// For each module, the modules it reaches through `edges` (itself excluded unless on a cycle).
fn reach<'a>(modules: &[&'a str], edges: &BTreeSet<(&'a str, &'a str)>) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let mut out = BTreeMap::new();
    for &start in modules {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([start]);
        while let Some(at) = queue.pop_front() {
            for &(_, to) in edges.range((at, "")..).take_while(|(from, _)| *from == at) {
                if seen.insert(to) {
                    queue.push_back(to);
                }
            }
        }
        out.insert(start, seen);
    }
    out
}

/// One shortest cycle per group of mutually importing modules, as a path that ends where it starts.
pub fn cycles<'a>(modules: &[&'a str], edges: &BTreeSet<(&'a str, &'a str)>) -> Vec<Vec<&'a str>> {
    let reach = reach(modules, edges);
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for &start in modules {
        if done.contains(start) || !reach[start].contains(start) {
            continue;
        }
        let group: BTreeSet<&str> =
            reach[start].iter().copied().filter(|m| reach.get(m).is_some_and(|r| r.contains(start))).collect();
        done.extend(group.iter().copied());
        // Breadth first from `start` inside the group, back to `start`.
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        'search: while let Some(at) = queue.pop_front() {
            for &(_, to) in edges.range((at, "")..).take_while(|(from, _)| *from == at) {
                if to == start {
                    let mut path = vec![at];
                    while let Some(&before) = came_from.get(path[path.len() - 1]) {
                        path.push(before);
                    }
                    path.reverse();
                    path.push(start);
                    found.push(path);
                    break 'search;
                }
                if group.contains(to) && to != start && !came_from.contains_key(to) {
                    came_from.insert(to, at);
                    queue.push_back(to);
                }
            }
        }
    }
    found
}

/// Each module's lowest possible layer (0 = bottom): one above the highest module it imports, modules on a
/// cycle sharing one.
pub fn levels<'a>(modules: &[&'a str], edges: &BTreeSet<(&'a str, &'a str)>) -> BTreeMap<&'a str, usize> {
    let reach = reach(modules, edges);
    let same = |a: &str, b: &str| reach[a].contains(b) && reach[b].contains(a);
    let mut level: BTreeMap<&str, usize> = modules.iter().map(|&m| (m, 0)).collect();
    for _ in 0..=modules.len() {
        for &(from, to) in edges {
            let (Some(&l_to), Some(&l_from)) = (level.get(to), level.get(from)) else { continue };
            let wanted = if same(from, to) { l_to } else { l_to + 1 };
            if l_from < wanted {
                level.insert(from, wanted);
            }
        }
    }
    level
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_put_each_module_above_what_it_imports() {
        let edges = BTreeSet::from([("a", "b"), ("b", "c"), ("d", "c"), ("e", "f"), ("f", "e")]);
        let levels = levels(&["a", "b", "c", "d", "e", "f"], &edges);
        assert_eq!(
            levels.into_iter().collect::<Vec<_>>(),
            [("a", 2), ("b", 1), ("c", 0), ("d", 1), ("e", 0), ("f", 0)]
        );
        assert_eq!(cycles(&["a", "b", "c", "d", "e", "f"], &edges), [["e", "f", "e"]]);
    }
}
