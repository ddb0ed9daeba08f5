from __future__ import annotations

from leerpad.search.semantic import RRF_K, fuse


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = dict(fuse([1, 2, 3], [3, 4]))
    assert fused[3] == 1 / (RRF_K + 3) + 1 / (RRF_K + 1)
    assert max(fused, key=lambda k: fused[k]) == 3
    assert set(fused) == {1, 2, 3, 4}


def test_fusion_of_one_list_keeps_its_order() -> None:
    assert [item for item, _score in fuse([5, 9, 7])] == [5, 9, 7]
