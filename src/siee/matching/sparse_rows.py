"""A people x columns sparse matrix that supports cheap column scans AND cheap single-row replacement.

The bulk of the rows lives in a *base* matrix held both as CSC (fast "who has these skills / occupations")
and CSR (fast "what does this person have"). A changed row is not written into the base (that would mean
rebuilding it): its base entries are zeroed in place (found through the CSR row, then located in each CSC
column by binary search), and its new content goes to a small *overlay* (a dict of rows, rebuilt into tiny
CSC/CSR matrices on change). Column scans read the base and the overlay. When the overlay grows past
`compact_at` rows, `compact()` merges it into a new base in memory (no database involved).

Pure numpy/scipy: no Django.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def _csc_column_entries(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, cols: np.ndarray):
    """(rows, position of the column in `cols`, values) of every stored entry of the given columns."""
    cols = np.asarray(cols, dtype=np.int64)
    if cols.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, data.dtype)
    starts = indptr[cols].astype(np.int64)
    lens = indptr[cols + 1].astype(np.int64) - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, data.dtype)
    which = np.repeat(np.arange(cols.size), lens)
    shift = starts - (np.cumsum(lens) - lens)
    pos = np.arange(total, dtype=np.int64)
    pos += shift[which]
    return indices[pos], which, data[pos]


def _csr_row_entries(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, rows: np.ndarray):
    """(position of the row in `rows`, columns, values) of every stored entry of the given CSR rows."""
    cols, which, vals = _csc_column_entries(indptr, indices, data, rows)
    return which, cols, vals


class SparseRows:
    def __init__(self, n_rows: int, n_cols: int, rows: np.ndarray, cols: np.ndarray, values: np.ndarray,
                 *, dtype=np.float32, compact_at: int = 20_000):
        self.n_cols = int(n_cols)
        self.dtype = dtype
        self.compact_at = compact_at
        self._set_base(int(n_rows), rows, cols, values)
        self.overlay: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._ov_rows = np.empty(0, np.int64)
        self._ov_csc = sp.csc_matrix((0, self.n_cols), dtype=dtype)
        self._ov_csr = sp.csr_matrix((0, self.n_cols), dtype=dtype)

    def _set_base(self, n_rows: int, rows, cols, values) -> None:
        coo = sp.coo_matrix((np.asarray(values, dtype=self.dtype), (np.asarray(rows, dtype=np.int64),
                                                                     np.asarray(cols, dtype=np.int64))),
                            shape=(n_rows, self.n_cols))
        coo.sum_duplicates()
        self.base_rows = n_rows
        self.csc = coo.tocsc()
        self.csc.sort_indices()
        self.csr = coo.tocsr()
        self.csr.sort_indices()

    @property
    def nnz(self) -> int:
        return int(self.csc.nnz) + sum(len(c) for c, _ in self.overlay.values())

    def nbytes(self) -> int:
        total = 0
        for m in (self.csc, self.csr):
            total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        return total

    # --- reads -----------------------------------------------------------------------------------------

    def column_entries(self, cols: np.ndarray):
        """(rows, position in `cols`, values) for base and overlay entries of the columns (zeros skipped)."""
        cols = np.asarray(cols, dtype=np.int64)
        rows, which, vals = _csc_column_entries(self.csc.indptr, self.csc.indices, self.csc.data, cols)
        if self.overlay:
            r2, w2, v2 = _csc_column_entries(self._ov_csc.indptr, self._ov_csc.indices, self._ov_csc.data, cols)
            rows = np.concatenate([rows, self._ov_rows[r2]])
            which = np.concatenate([which, w2])
            vals = np.concatenate([vals, v2])
        keep = vals != 0
        if not keep.all():
            rows, which, vals = rows[keep], which[keep], vals[keep]
        return rows, which, vals

    def row_entries(self, rows: np.ndarray):
        """(position in `rows`, columns, values) of the entries of the given rows (base and overlay)."""
        rows = np.asarray(rows, dtype=np.int64)
        in_base = rows < self.base_rows
        if in_base.all():
            which, cols, vals = _csr_row_entries(self.csr.indptr, self.csr.indices, self.csr.data, rows)
        else:
            pos = np.flatnonzero(in_base)
            which, cols, vals = _csr_row_entries(self.csr.indptr, self.csr.indices, self.csr.data, rows[pos])
            which = pos[which]
        if self.overlay:
            hit = np.flatnonzero(np.isin(rows, self._ov_rows))
            if hit.size:
                local = np.searchsorted(self._ov_rows, rows[hit])
                w2, c2, v2 = _csr_row_entries(self._ov_csr.indptr, self._ov_csr.indices, self._ov_csr.data, local)
                which = np.concatenate([which, hit[w2]])
                cols = np.concatenate([cols, c2])
                vals = np.concatenate([vals, v2])
        keep = vals != 0
        if not keep.all():
            which, cols, vals = which[keep], cols[keep], vals[keep]
        return which, cols, vals

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one row."""
        found = self.overlay.get(int(r))
        if found is not None:
            return found
        if r >= self.base_rows:
            return np.empty(0, np.int64), np.empty(0, self.dtype)
        a, b = self.csr.indptr[r], self.csr.indptr[r + 1]
        cols, vals = self.csr.indices[a:b], self.csr.data[a:b]
        keep = vals != 0
        return cols[keep].astype(np.int64), vals[keep]

    def column_counts(self) -> np.ndarray:
        """Number of rows holding each column (for IDF)."""
        counts = np.diff(self.csc.indptr).astype(np.int64)
        if (self.csc.data == 0).any():
            zero_cols = np.repeat(np.arange(self.n_cols), np.diff(self.csc.indptr))[self.csc.data == 0]
            counts -= np.bincount(zero_cols, minlength=self.n_cols)
        for cols, _ in self.overlay.values():
            counts[cols] += 1
        return counts

    # --- writes ----------------------------------------------------------------------------------------

    def set_row(self, r: int, cols, values) -> None:
        """Replace row r's content. Cost: the row's old entries and the overlay size, never the whole matrix."""
        r = int(r)
        if r < self.base_rows and r not in self.overlay:
            a, b = self.csr.indptr[r], self.csr.indptr[r + 1]
            for c in self.csr.indices[a:b]:
                ca, cb = self.csc.indptr[c], self.csc.indptr[c + 1]
                k = ca + np.searchsorted(self.csc.indices[ca:cb], r)
                if k < cb and self.csc.indices[k] == r:
                    self.csc.data[k] = 0
            self.csr.data[a:b] = 0
        cols = np.asarray(cols, dtype=np.int64)
        values = np.asarray(values, dtype=self.dtype)
        if cols.size:
            order = np.argsort(cols, kind="stable")
            cols, values = cols[order], values[order]
            uniq, start = np.unique(cols, return_index=True)
            values = np.add.reduceat(values, start) if uniq.size != cols.size else values
            cols = uniq
        self.overlay[r] = (cols, values)
        self._rebuild_overlay()
        if len(self.overlay) >= self.compact_at:
            self.compact(self.base_rows)

    def _rebuild_overlay(self) -> None:
        rows = np.fromiter(self.overlay.keys(), dtype=np.int64, count=len(self.overlay))
        rows.sort()
        lens = np.array([self.overlay[int(r)][0].size for r in rows], dtype=np.int64)
        cols = np.concatenate([self.overlay[int(r)][0] for r in rows]) if rows.size else np.empty(0, np.int64)
        vals = (np.concatenate([self.overlay[int(r)][1] for r in rows]) if rows.size
                else np.empty(0, self.dtype))
        local = np.repeat(np.arange(rows.size), lens)
        self._ov_rows = rows
        self._ov_csc = sp.csc_matrix((vals, (local, cols)), shape=(rows.size, self.n_cols), dtype=self.dtype)
        self._ov_csc.sort_indices()
        self._ov_csr = self._ov_csc.tocsr()

    def compact(self, n_rows: int) -> None:
        """Merge the overlay into a new base of n_rows rows (in memory)."""
        coo = self.csr.tocoo()
        keep = coo.data != 0
        rows, cols, vals = [coo.row[keep].astype(np.int64)], [coo.col[keep].astype(np.int64)], [coo.data[keep]]
        for r, (c, v) in self.overlay.items():
            rows.append(np.full(c.size, r, dtype=np.int64))
            cols.append(c)
            vals.append(v)
        top = max([n_rows, self.base_rows] + [r + 1 for r in self.overlay])
        self._set_base(top, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals))
        self.overlay = {}
        self._ov_rows = np.empty(0, np.int64)
        self._ov_csc = sp.csc_matrix((0, self.n_cols), dtype=self.dtype)
        self._ov_csr = sp.csr_matrix((0, self.n_cols), dtype=self.dtype)
