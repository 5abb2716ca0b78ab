# The same tasks with PynamoDB (Python), for docs/from-pynamodb.md. PynamoDB cannot be installed on
# the machines that run this repository's tests (no PyPI), so test/tasks.test.ts compiles this file
# with python3 but does not run it; src/dynamodel.ts is the Dynamodel side, run against DynamoDB Local.
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class ByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "byStatus"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    likes = NumberAttribute(range_key=True)


class Post(Model):
    class Meta:
        table_name = "posts"
        host = "http://127.0.0.1:8000"
        billing_mode = "PAY_PER_REQUEST"

    user_id = UnicodeAttribute(hash_key=True, attr_name="userId")
    post_id = UnicodeAttribute(range_key=True, attr_name="postId")
    title = UnicodeAttribute()
    status = UnicodeAttribute()
    likes = NumberAttribute(default=0)
    tags = UnicodeSetAttribute(null=True)
    by_status = ByStatus()


def create_post():
    Post("ana", "p1", title="Hello", status="live").save(condition=Post.post_id.does_not_exist())
    try:
        Post("ana", "p1", title="Again", status="live").save(condition=Post.post_id.does_not_exist())
        return False
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return True  # only with the condition: save() overwrites
        raise


def get_post():
    try:
        return Post.get("ana", "p1")
    except Post.DoesNotExist:
        return None


def like_if_live(user_id, post_id):
    post = Post(user_id, post_id)
    try:
        post.update(actions=[Post.likes.add(1)], condition=(Post.status == "live"))
        return post.likes
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise


def newest_two():
    return list(Post.query("ana", scan_index_forward=False, limit=2))


def popular_live():
    return list(Post.by_status.query("live", Post.likes > 5))


def write_many(posts):
    # batch_write() groups the saves by 25 and re-sends unprocessed items until they are written.
    with Post.batch_write() as batch:
        for post in posts:
            batch.save(Post(post["userId"], post["postId"], title=post["title"], status=post["status"]))
