package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Small adapters from lambdas to fabric8's {@link ResourceEventHandler}. */
public final class Handlers {
  private Handlers() {}

  /** The same action for add, update (new object) and delete. */
  public static <T> ResourceEventHandler<T> any(Consumer<T> onAnything) {
    return of(onAnything, (o, n) -> onAnything.accept(n), onAnything);
  }

  public static <T> ResourceEventHandler<T> of(
      Consumer<T> onAdd, BiConsumer<T, T> onUpdate, Consumer<T> onDelete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        onAdd.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        onUpdate.accept(oldObj, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        if (obj != null) {
          onDelete.accept(obj);
        }
      }
    };
  }
}
