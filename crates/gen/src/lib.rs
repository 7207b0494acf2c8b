//! Generator of news-like articles. (Skeleton: being written.)
